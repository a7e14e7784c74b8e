#include "test_modules.h"

#include <cmath>
#include <string>

namespace rtml::ml {

torch::jit::Module Mlp(int64_t inputs, int64_t hidden, int64_t outputs, uint64_t seed,
                       double dropout) {
  at::manual_seed(seed);
  torch::jit::Module module("Mlp");
  module.register_attribute("training", c10::BoolType::get(), true);
  module.register_attribute("dropout", c10::FloatType::get(), dropout);
  const auto layer = [&](const std::string& name, int64_t in, int64_t out) {
    const double bound = 1 / std::sqrt(static_cast<double>(in));
    module.register_parameter(name + "_w", torch::rand({in, out}) * 2 * bound - bound, false);
    module.register_parameter(name + "_b", torch::rand({out}) * 2 * bound - bound, false);
  };
  layer("l1", inputs, hidden);
  layer("l2", hidden, hidden);
  layer("l3", hidden, outputs);
  module.define(R"(
def forward(self, x):
    h = torch.tanh(torch.addmm(self.l1_b, x, self.l1_w))
    h = torch.tanh(torch.addmm(self.l2_b, h, self.l2_w))
    h = torch.dropout(h, self.dropout, self.training)
    return torch.addmm(self.l3_b, h, self.l3_w)
)");
  return module;
}

}  // namespace rtml::ml
