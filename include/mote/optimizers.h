// Every optimizer of mote. Include this, or just the one you use.
#pragma once
#include "mote/optimizer.h"
#include "mote/optim/adagrad.h"
#include "mote/optim/adam.h"
#include "mote/optim/momentum.h"
#include "mote/optim/rmsprop.h"
#include "mote/optim/sgd.h"
