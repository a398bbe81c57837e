#include "plan/plan_document.h"

#include <algorithm>
#include <fstream>
#include <iomanip>

#include "plan/plan_explain.h"
#include "plan/plan_format.h"
#include "plan/plan_json.h"
#include "reports/report_units.h"
#include "workloads/config_error.h"

namespace moesim::plan {
namespace {

using reports::format_value;
using reports::Measure;

/// Indices (into `ranked`) of the layouts no other beats on both step time and `second`.
template <typename F>
std::vector<std::size_t> pareto_front(const std::vector<LayoutOutcome>& ranked, F second) {
  std::vector<std::size_t> order(ranked.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) {
    if (ranked[a].step_time_s != ranked[b].step_time_s) return ranked[a].step_time_s < ranked[b].step_time_s;
    return second(ranked[a]) < second(ranked[b]);
  });
  std::vector<std::size_t> front;
  double best = 0;
  for (const auto i : order) {
    if (!front.empty() && second(ranked[i]) >= best) continue;
    front.push_back(i);
    best = second(ranked[i]);
  }
  return front;
}

/// Sorts, ranks and annotates the outcomes into `doc` (whose meta fields are filled).
void finish(nlohmann::json& doc, std::vector<LayoutOutcome> outcomes) {
  const Objective objective =
      parse_objective(doc.at("objective").get<std::string>(), "plan document", "objective");
  std::vector<LayoutOutcome> ranked, failed;
  for (auto& o : outcomes) (o.ok ? ranked : failed).push_back(std::move(o));
  std::stable_sort(ranked.begin(), ranked.end(), [&](const LayoutOutcome& a, const LayoutOutcome& b) {
    const double x = a.objective_value(objective), y = b.objective_value(objective);
    if (x != y) return x < y;
    if (a.step_time_s != b.step_time_s) return a.step_time_s < b.step_time_s;
    if (a.memory.total_bytes() != b.memory.total_bytes())
      return a.memory.total_bytes() < b.memory.total_bytes();
    return a.layout.label(true) < b.layout.label(true);
  });
  const auto memory_front =
      pareto_front(ranked, [](const LayoutOutcome& o) { return o.memory.total_bytes(); });
  const bool priced = !ranked.empty() && ranked.front().cost_usd_per_step.has_value();
  const auto cost_front =
      priced ? pareto_front(ranked, [](const LayoutOutcome& o) { return *o.cost_usd_per_step; })
             : std::vector<std::size_t>{};
  const auto energy_front = pareto_front(ranked, [](const LayoutOutcome& o) { return o.energy_j_per_step; });
  auto on = [](const std::vector<std::size_t>& front, std::size_t i) {
    return std::find(front.begin(), front.end(), i) != front.end();
  };
  nlohmann::json layouts = nlohmann::json::array();
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    auto j = outcome_json(ranked[i]);
    j["rank"] = i + 1;
    j["objective_value"] = ranked[i].objective_value(objective);
    j["pareto_time_memory"] = on(memory_front, i);
    j["pareto_time_cost"] = on(cost_front, i);
    j["pareto_time_energy"] = on(energy_front, i);
    layouts.push_back(std::move(j));
  }
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& f : failed) failures.push_back(outcome_json(f));
  doc["evaluated_layouts"] = ranked.size() + failed.size();
  doc["failed_layouts"] = failed.size();
  const double wall = doc.value("wall_s", 0.0);
  doc["layouts_per_s"] = wall > 0 ? static_cast<double>(ranked.size() + failed.size()) / wall : 0.0;
  doc["best_vs_runner_up"] = ranked.size() >= 2
                                 ? nlohmann::json(explain_best(ranked[0], ranked[1], objective))
                                 : nlohmann::json(nullptr);
  auto& own = doc["scenario_layout"];
  if (own.is_object()) {
    const Layout mine = layout_from_json(own.at("layout"), "plan document");
    own["rank"] = nullptr;
    for (std::size_t i = 0; i < ranked.size(); ++i)
      if (ranked[i].layout == mine) own["rank"] = i + 1;
  }
  doc["layouts"] = std::move(layouts);
  doc["failures"] = std::move(failures);
}

std::vector<LayoutOutcome> outcomes_of(const nlohmann::json& doc, const std::string& source) {
  std::vector<LayoutOutcome> out;
  for (const char* key : {"layouts", "failures"})
    for (const auto& j : doc.at(key)) out.push_back(outcome_from_json(j, source));
  return out;
}

/// The top layouts as a fixed-width table.
void print_table(std::ostream& out, const nlohmann::json& doc) {
  const auto& layouts = doc.at("layouts");
  const std::size_t top = std::min<std::size_t>(doc.at("top").get<std::size_t>(), layouts.size());
  const bool many = doc.at("devices").size() > 1;
  int width = many ? 50 : 44;  // the layout column: as wide as the longest label shown, and a space
  for (std::size_t i = 0; i < top; ++i)
    width = std::max(width,
                     static_cast<int>(layout_from_json(layouts[i], "plan document").label(many).size()) + 1);
  out << std::left << std::setw(5) << "rank" << std::setw(width) << "layout" << std::right << std::setw(11)
      << "step" << std::setw(8) << "MFU" << std::setw(11) << "mem/dev" << std::setw(11) << "exposed"
      << std::setw(11) << "a2a" << std::setw(11) << "allreduce" << std::setw(11) << "energy" << std::setw(13)
      << "cost/run"
      << "\n";
  for (std::size_t i = 0; i < top; ++i) {
    const auto& l = layouts[i];
    const Layout layout = layout_from_json(l, "plan document");
    const auto cost = reports::number_at(l, "cost_usd_run");
    out << std::left << std::setw(5) << l.at("rank").get<std::size_t>() << std::setw(width)
        << layout.label(many) << std::right << std::setw(11)
        << format_value(Measure::kSeconds, l.at("step_time_s").get<double>()) << std::setw(8)
        << format_value(Measure::kFraction, l.at("mfu").get<double>()) << std::setw(11)
        << format_value(Measure::kBytes, l.at("memory_bytes_per_device").get<double>()) << std::setw(11)
        << format_value(Measure::kSeconds, l.at("exposed_s").at("total").get<double>()) << std::setw(11)
        << format_value(Measure::kSeconds, l.at("exposed_s").at("all_to_all").get<double>()) << std::setw(11)
        << format_value(Measure::kSeconds, l.at("exposed_s").at("all_reduce").get<double>()) << std::setw(11)
        << format_energy(l.at("energy_j_per_step").get<double>()) << std::setw(13)
        << (cost ? format_value(Measure::kUsd, *cost) : std::string("n/a")) << "\n";
  }
}

}  // namespace

nlohmann::json plan_document(const PlanProblem& problem, const PlanResult& result,
                             const SearchOptions& options) {
  const auto& base = problem.clusters.front();
  nlohmann::json doc{{"kind", "moesim-plan"},
                     {"moesim_version", MOESIM_VERSION_STRING},
                     {"scenario", base.run.name},
                     {"scenario_file", problem.file},
                     {"model", base.run.model.name},
                     {"cluster", base.cluster.name},
                     {"accelerator", base.cluster.accelerator},
                     {"devices", problem.spec.devices},
                     {"objective", std::string(to_string(problem.spec.objective))},
                     {"top", problem.spec.top},
                     {"backend", options.backend},
                     {"constraints", describe(problem.spec)},
                     {"shard", {{"index", options.shard.index}, {"count", options.shard.count}}},
                     {"shards", nlohmann::json::array({{options.shard.index, options.shard.count}})},
                     {"candidate_layouts", result.candidate_layouts},
                     {"pruned_layouts", result.pruned_layouts},
                     {"rejected_layouts", result.rejected_layouts},
                     {"min_pruned_memory_bytes", result.min_pruned_memory_bytes},
                     {"wall_s", result.wall_s},
                     {"network_cache", {{"hits", result.cache.hits}, {"misses", result.cache.misses}}}};
  doc["scenario_layout"] =
      problem.scenario_layout
          ? nlohmann::json{{"layout", layout_json(*problem.scenario_layout)},
                           {"memory_bytes_per_device", problem.scenario_layout_memory_bytes},
                           {"fits", problem.scenario_layout_memory_bytes <= problem.hbm_bytes}}
          : nlohmann::json(nullptr);
  finish(doc, result.outcomes);
  return doc;
}

nlohmann::json merge_plan_documents(const std::vector<nlohmann::json>& docs,
                                    const std::vector<std::string>& sources) {
  if (docs.empty()) throw ConfigError("", 0, "plan-merge", "at least one plan document");
  nlohmann::json doc = docs.front();
  std::vector<LayoutOutcome> outcomes = outcomes_of(docs.front(), sources.front());
  nlohmann::json shards = docs.front().at("shards");
  for (std::size_t i = 1; i < docs.size(); ++i) {
    const auto& d = docs[i];
    for (const char* key : {"scenario", "scenario_file", "objective", "constraints", "devices", "backend"})
      if (d.at(key) != doc.at(key))
        throw ConfigError(sources[i], 0, key,
                          "belongs to another plan: " + d.at(key).dump() + " here, " + doc.at(key).dump() +
                              " in " + sources.front());
    if (d.at("shard").at("count") != doc.at("shard").at("count"))
      throw ConfigError(sources[i], 0, "shard", "a different shard count than " + sources.front());
    for (const auto& s : d.at("shards")) {
      if (std::find(shards.begin(), shards.end(), s) != shards.end())
        throw ConfigError(sources[i], 0, "shard", "shard " + s.dump() + " given twice");
      shards.push_back(s);
    }
    for (const char* key : {"candidate_layouts", "pruned_layouts", "rejected_layouts"})
      doc[key] = doc.at(key).get<std::size_t>() + d.at(key).get<std::size_t>();
    for (const char* key : {"hits", "misses"})
      doc["network_cache"][key] =
          doc["network_cache"].at(key).get<std::size_t>() + d.at("network_cache").at(key).get<std::size_t>();
    const double m = d.at("min_pruned_memory_bytes").get<double>(),
                 n = doc.at("min_pruned_memory_bytes").get<double>();
    if (m > 0 && (n == 0 || m < n)) doc["min_pruned_memory_bytes"] = m;
    doc["wall_s"] = std::max(doc.at("wall_s").get<double>(), d.at("wall_s").get<double>());
    auto more = outcomes_of(d, sources[i]);
    outcomes.insert(outcomes.end(), more.begin(), more.end());
  }
  std::sort(shards.begin(), shards.end());
  doc["shards"] = shards;
  const auto count = doc.at("shard").at("count").get<std::size_t>();
  doc["missing_shards"] = nlohmann::json::array();
  for (std::size_t s = 0; s < count; ++s)
    if (std::find(shards.begin(), shards.end(), nlohmann::json{s, count}) == shards.end())
      doc["missing_shards"].push_back(s);
  doc.erase("shard");
  doc["shard"] = {{"index", 0}, {"count", count}};
  finish(doc, std::move(outcomes));
  return doc;
}

nlohmann::json read_plan_document(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path, 0, "", "cannot open the plan document");
  nlohmann::json doc;
  try {
    in >> doc;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(path, 0, "", std::string("not JSON: ") + e.what());
  }
  if (!doc.is_object() || doc.value("kind", "") != "moesim-plan")
    throw ConfigError(path, 0, "kind",
                      "expected a document written by moesim plan --json (kind moesim-plan)");
  return doc;
}

void print_plan(std::ostream& out, const nlohmann::json& doc) {
  std::string sizes;
  for (const auto& n : doc.at("devices")) sizes += (sizes.empty() ? "" : " or ") + n.dump();
  out << "moesim plan: " << doc.at("scenario").get<std::string>() << " ("
      << doc.at("model").get<std::string>() << " on " << sizes << " x "
      << doc.at("accelerator").get<std::string>() << "), objective " << doc.at("objective").get<std::string>()
      << "\n"
      << "  constraints: " << doc.at("constraints").get<std::string>() << "\n"
      << "  " << doc.at("candidate_layouts") << " valid layouts, " << doc.at("pruned_layouts")
      << " pruned by the memory model, " << doc.at("evaluated_layouts") << " simulated ("
      << doc.at("failed_layouts") << " failed) in "
      << reports::format_number(doc.at("wall_s").get<double>(), 3)
      << " s = " << reports::format_number(doc.at("layouts_per_s").get<double>(), 3) << " layouts/s; "
      << doc.at("network_cache").at("hits") << " network-demand prices reused, "
      << doc.at("network_cache").at("misses") << " computed\n\n";
  const auto& layouts = doc.at("layouts");
  print_table(out, doc);
  if (layouts.empty())
    out << "no layout fits: the smallest need among the pruned ones is "
        << format_value(Measure::kBytes, doc.at("min_pruned_memory_bytes").get<double>()) << " per device\n";
  if (!doc.at("best_vs_runner_up").is_null())
    out << "\n" << doc.at("best_vs_runner_up").get<std::string>() << "\n";
  const auto& own = doc.at("scenario_layout");
  if (own.is_object()) {
    const Layout mine = layout_from_json(own.at("layout"), "plan document");
    out << "the scenario's own layout (" << mine.label() << ") ";
    if (own.at("rank").is_null() && !own.at("fits").get<bool>()) {
      out << "does not fit: it needs "
          << format_value(Measure::kBytes, own.at("memory_bytes_per_device").get<double>())
          << " per device\n";
    } else if (own.at("rank").is_null()) {
      out << "was not simulated here (outside the constraints or in another shard)\n";
    } else {
      const auto& l = layouts[own.at("rank").get<std::size_t>() - 1];
      out << "ranks " << own.at("rank") << " of " << layouts.size() << " at "
          << format_value(Measure::kSeconds, l.at("step_time_s").get<double>()) << " per step\n";
    }
  }
  if (doc.contains("missing_shards") && !doc.at("missing_shards").empty())
    out << "warning: shards " << doc.at("missing_shards").dump() << " missing from the merge\n";
}

}  // namespace moesim::plan
