// TorchScript modules for tests, built in C++ (TorchScript source and registered
// weights) as torch.jit.script would make them, so no test needs Python.
#pragma once

#include <torch/script.h>

#include <cstdint>

namespace rtml::ml {

// A perceptron with two tanh hidden layers, its weights drawn with `seed`; `outputs`
// 1 for regression, the number of classes for a classifier. Dropout (as nn.Dropout,
// with the `training` flag every nn.Module has) only while training.
torch::jit::Module Mlp(int64_t inputs, int64_t hidden, int64_t outputs, uint64_t seed,
                       double dropout = 0);

}  // namespace rtml::ml
