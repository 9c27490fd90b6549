// rectify: neural-network activation functions and their derivatives, on scalars, xsimd
// batches and spans. Each family also works on its own: #include <rectify/gelu.hpp>.
#pragma once

#include "kernels.hpp"

#include "delu.hpp"
#include "elu.hpp"
#include "gelu.hpp"
#include "leaky_relu.hpp"
#include "mish.hpp"
#include "relu.hpp"
#include "silu.hpp"
#include "softplus.hpp"
#include "squareplus.hpp"
