// The seed network (mote::BuildSeedNetwork) as a user writes it: defined,
// trained on Fashion-MNIST, evaluated and exported to an int8 model file for
// the runtime (include/mote/rt.h), in about 20 lines.
//
//   quickstart [EPOCHS]      # default 10; one epoch reaches about 88 % test accuracy
// (examples/fashion_mnist.cpp adds a decaying learning rate, plots and checkpoints.)
#include <cstdio>
#include <cstdlib>

#include "mote/build.h"
#include "mote/export.h"
#include "mote/trainer.h"

using namespace mote;

int main(int argc, char** argv) {
  Dataset train, test;
  Status s = LoadFashionMnist(&train, &test);
  Model model;
  if (s.ok())
    s = Sequential(model, {28, 28, 1},
                   layers::Conv2D(10).kernel(5).stride(2).same().no_bias(), layers::BatchNorm(), layers::ReLU(),
                   layers::Conv2D(40).kernel(5).stride(2).same().no_bias(), layers::BatchNorm(), layers::ReLU(),
                   layers::Conv2D(80).kernel(5).same().no_bias(), layers::BatchNorm(), layers::ReLU(),
                   layers::Flatten(), layers::Dense(50).no_bias(), layers::BatchNorm(), layers::ReLU(),
                   layers::Dense(10));
  model.SetLoss(losses::SoftmaxCrossEntropy());
  model.SetOptimizer(optimizers::Momentum(0.9f).nesterov());

  FitOptions fit;
  fit.epochs = argc > 1 ? uint32_t(std::atoi(argv[1])) : 10;
  fit.batch_size = 50;
  fit.learning_rate = 0.02f;
  float loss = 0, accuracy = 0;
  if (s.ok()) s = Fit(model, train, fit, nullptr);
  if (s.ok()) s = EvaluateDataset(model, test, &loss, &accuracy);
  if (s.ok()) s = ExportModelToFile(model, Int8CalibratedOn(train, 1000), "seed_int8.mote");
  if (!s.ok()) return std::fprintf(stderr, "quickstart: %s\n", s.message()), 1;
  std::printf("test accuracy %.4f; wrote seed_int8.mote\n", double(accuracy));
}
