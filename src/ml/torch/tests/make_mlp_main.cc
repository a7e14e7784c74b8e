// rtml_make_mlp OUT.pt INPUTS HIDDEN OUTPUTS SEED: writes an untrained perceptron
// (test_modules.h) as a TorchScript file, for tests that hand `rtml train` a module
// as a user would.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "test_modules.h"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: rtml_make_mlp OUT.pt INPUTS HIDDEN OUTPUTS SEED\n");
    return 2;
  }
  try {
    rtml::ml::Mlp(std::atoll(argv[2]), std::atoll(argv[3]), std::atoll(argv[4]),
                  std::strtoull(argv[5], nullptr, 10))
        .save(argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rtml_make_mlp: %s\n", e.what());
    return 1;
  }
  return 0;
}
