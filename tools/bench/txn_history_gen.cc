// Writes a generated list-append history (tools/bench/txn_histories.h) as
// Elle's EDN, for measuring `dsim check` end to end:
//
//   build/bin/txn_history_gen 1000000 20 > h.edn    # transactions, stale reads
//   /usr/bin/time -v build/bin/dsim check --model=list-append h.edn
#include <cstdlib>
#include <iostream>

#include "tools/bench/txn_histories.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: txn_history_gen TRANSACTIONS [STALE_READS]\n";
    return 2;
  }
  const int64_t txns = std::atoll(argv[1]);
  const int64_t stale = argc == 3 ? std::atoll(argv[2]) : 0;
  if (txns <= 0 || stale < 0 || stale > txns) {
    std::cerr << "txn_history_gen: TRANSACTIONS must be positive and STALE_READS at most that\n";
    return 2;
  }
  std::cout << dsim::ToEdn(dsim::GenerateListAppend({.txns = txns, .stale_reads = stale}));
  return 0;
}
