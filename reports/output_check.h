// moesim — the last check before a result leaves moesim: every number in it is finite.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace moesim::reports {

/// A result that holds a non-finite number. Inputs are range-checked at parse time so that every result is
/// finite; reaching this is a bug in moesim (the command exits 1 naming the key), never a silent `null`.
class NonFiniteResult : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Throws NonFiniteResult naming the first key (dotted, with [i] for array items, e.g.
/// `breakdown_s.compute_s` or `points[3].result.mfu`) whose number is NaN or infinite. `what` names the
/// result in the message (e.g. "simulate").
void check_finite_output(const nlohmann::json& result, const std::string& what);

}  // namespace moesim::reports
