// Every layer of mote (one header per layer in include/mote/layers/).
#pragma once

#include "mote/layer.h"
#include "mote/layers/add.h"
#include "mote/layers/avg_pool2d.h"
#include "mote/layers/batch_norm.h"
#include "mote/layers/conv2d.h"
#include "mote/layers/dense.h"
#include "mote/layers/dropout.h"
#include "mote/layers/flatten.h"
#include "mote/layers/global_average_pool.h"
#include "mote/layers/leaky_relu.h"
#include "mote/layers/max_pool2d.h"
#include "mote/layers/padding.h"
#include "mote/layers/relu.h"
#include "mote/layers/sigmoid.h"
#include "mote/layers/softmax.h"
#include "mote/layers/tanh.h"
