#include "reports/output_check.h"

#include <cmath>
#include <sstream>

namespace moesim::reports {
namespace {

void visit(const nlohmann::json& j, const std::string& path, const std::string& what) {
  if (j.is_number_float()) {
    const double v = j.get<double>();
    if (!std::isfinite(v)) {
      std::ostringstream msg;
      msg << "moesim bug: the " << what << " result has a non-finite number at key '"
          << (path.empty() ? "<root>" : path) << "' (" << v
          << "); the inputs passed every check, so please report this scenario";
      throw NonFiniteResult(msg.str());
    }
  } else if (j.is_object()) {
    for (const auto& [k, v] : j.items()) visit(v, path.empty() ? k : path + "." + k, what);
  } else if (j.is_array()) {
    std::size_t i = 0;
    for (const auto& v : j) visit(v, path + "[" + std::to_string(i++) + "]", what);
  }
}

}  // namespace

void check_finite_output(const nlohmann::json& result, const std::string& what) {
  visit(result, "", what);
}

}  // namespace moesim::reports
