#!/usr/bin/env python3
"""Prints the literal expectations of test/optim/*_test.cc.

An independent double-precision implementation of the textbook formulas
(Goodfellow, Bengio and Courville, Deep Learning, Algorithms 8.1-8.7, and the
schedules of include/mote/schedule.h), written in the book's own form:
Nesterov variants evaluate the gradient at the look-ahead point theta + alpha v
and report theta + alpha v, the point the optimizer's buffer holds.
Problem: L(w) = 0.5 * sum_i a_i (w_i - c_i)^2; element 2 is frozen (in no
range); ranges {0, 2, decay} and {3, 5, no decay}.
"""
import math

W0 = [1.0, -2.0, 0.5, 3.0, -0.75]
A = [1.0, 2.0, 0.5, 4.0, 3.0]
C = [0.0, 1.0, -1.0, 2.0, 0.25]
ACTIVE = [0, 1, 3, 4]
DECAY = {0, 1}


def grad(w):
    return [A[i] * (w[i] - C[i]) for i in range(len(w))]


def run(update, steps=3):
    w = list(W0)
    state = {}
    out = []
    for t in range(1, steps + 1):
        w = update(w, state, t)
        out.append(list(w))
    return out


def sgd(lr):
    def up(w, st, t):
        g = grad(w)
        return [w[i] - lr * g[i] if i in ACTIVE else w[i] for i in range(len(w))]
    return up


def momentum(lr, alpha):
    def up(w, st, t):
        v = st.setdefault('v', [0.0] * len(w))
        g = grad(w)
        for i in ACTIVE:
            v[i] = alpha * v[i] - lr * g[i]
            w[i] = w[i] + v[i]
        return w
    return up


def nesterov(lr, alpha, scale=None, rho=None, delta=None):
    # Book form: theta, v; gradient at theta + alpha v. Reports theta + alpha v.
    def up(w_reported, st, t):
        theta = st.setdefault('theta', list(W0))
        v = st.setdefault('v', [0.0] * len(W0))
        r = st.setdefault('r', [0.0] * len(W0))
        look = [theta[i] + alpha * v[i] for i in range(len(W0))]
        g = grad(look)
        for i in ACTIVE:
            if rho is None:
                step = lr * g[i]
            else:
                r[i] = rho * r[i] + (1 - rho) * g[i] * g[i]
                step = lr / math.sqrt(delta + r[i]) * g[i]
            v[i] = alpha * v[i] - step
            theta[i] = theta[i] + v[i]
        st['v_out'] = list(v)
        return [theta[i] + alpha * v[i] for i in range(len(W0))]
    return up


def adagrad(lr, delta):
    def up(w, st, t):
        r = st.setdefault('r', [0.0] * len(w))
        g = grad(w)
        for i in ACTIVE:
            r[i] += g[i] * g[i]
            w[i] = w[i] - lr / (delta + math.sqrt(r[i])) * g[i]
        return w
    return up


def rmsprop(lr, rho, delta):
    def up(w, st, t):
        r = st.setdefault('r', [0.0] * len(w))
        g = grad(w)
        for i in ACTIVE:
            r[i] = rho * r[i] + (1 - rho) * g[i] * g[i]
            w[i] = w[i] - lr / math.sqrt(delta + r[i]) * g[i]
        return w
    return up


def adam(lr, rho1, rho2, delta, wd=0.0):
    def up(w, st, t):
        s = st.setdefault('s', [0.0] * len(w))
        r = st.setdefault('r', [0.0] * len(w))
        g = grad(w)
        for i in ACTIVE:
            s[i] = rho1 * s[i] + (1 - rho1) * g[i]
            r[i] = rho2 * r[i] + (1 - rho2) * g[i] * g[i]
            sh = s[i] / (1 - rho1 ** t)
            rh = r[i] / (1 - rho2 ** t)
            d = wd * w[i] if i in DECAY else 0.0
            w[i] = w[i] - lr * (sh / (math.sqrt(rh) + delta) + d)
        return w
    return up


def show(name, rows):
    print(f'// {name}')
    print('{{')
    for row in rows:
        print('  {' + ', '.join(f'{x:.17g}' for x in row) + '},')
    print('}}')


if __name__ == '__main__':
    show('SGD lr 0.1', run(sgd(0.1)))
    show('Momentum lr 0.1 alpha 0.9', run(momentum(0.1, 0.9)))
    show('Nesterov lr 0.1 alpha 0.9 (theta + alpha v)', run(nesterov(0.1, 0.9)))
    show('AdaGrad lr 0.5 delta 1e-7', run(adagrad(0.5, 1e-7)))
    show('RMSProp lr 0.01 rho 0.9 delta 1e-6', run(rmsprop(0.01, 0.9, 1e-6)))
    show('RMSProp lr 0.01 rho 0.9 delta 0.25 (where delta sits matters)', run(rmsprop(0.01, 0.9, 0.25)))
    show('AdaGrad lr 0.5 delta 0.5 (where delta sits matters)', run(adagrad(0.5, 0.5)))
    show('RMSProp+Nesterov lr 0.01 rho 0.9 delta 1e-6 alpha 0.9 (theta + alpha v)',
         run(nesterov(0.01, 0.9, rho=0.9, delta=1e-6)))
    show('Adam lr 0.01 (0.9, 0.999, 1e-8)', run(adam(0.01, 0.9, 0.999, 1e-8)))
    show('AdamW lr 0.01 (0.9, 0.999, 1e-8) wd 0.1', run(adam(0.01, 0.9, 0.999, 1e-8, 0.1)))
    # Schedules.
    print('// InverseTime(0.1, 0.5) at k = 0, 1, 2, 10, 1000')
    print([0.1 / (1 + 0.5 * k) for k in (0, 1, 2, 10, 1000)])
    print('// ExponentialStep(0.1, 0.5, 100) at k = 0, 99, 100, 199, 200, 350, 1000')
    print([0.1 * 0.5 ** (k // 100) for k in (0, 99, 100, 199, 200, 350, 1000)])
    print('// LinearDecay(0.1, 0.001, 1000) at k = 0, 1, 250, 500, 999, 1000, 5000')
    print([(1 - min(k, 1000) / 1000) * 0.1 + min(k, 1000) / 1000 * 0.001 for k in (0, 1, 250, 500, 999, 1000, 5000)])
