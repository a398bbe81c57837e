// moesim — run a piece of work in a forked child process and get its numbers back.
#pragma once

#include <functional>
#include <vector>

namespace moesim::network {

/// Runs `work` in a fork()ed child and returns the doubles it produced. SimGrid allows one engine per
/// process (simgrid-and-style.md §1.9); running each simulation in a child lets one moesim process price
/// any number of collectives with the SimGrid backends. An exception in the child is rethrown in the
/// parent as std::runtime_error with its message; a crashed child gives std::runtime_error too.
/// The caller must be single-threaded at the time of the call (fork).
std::vector<double> run_in_subprocess(const std::function<std::vector<double>()>& work);

}  // namespace moesim::network
