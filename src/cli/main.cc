#include <cstdio>

int main() {
  std::puts("rtml: not built yet");
  return 0;
}
