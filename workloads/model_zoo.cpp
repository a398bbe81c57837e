#include "workloads/model_zoo.h"

#include <vector>

#include "workloads/zoo_families.h"

namespace moesim::workloads {
namespace {

std::vector<ModelSpec> build_presets() {
  std::vector<ModelSpec> all;
  for (auto family : {zoo::switch_presets, zoo::glam_presets, zoo::gshard_presets, zoo::gpt3_presets,
                      zoo::shazeer_presets, zoo::mixtral_presets, zoo::deepseek_presets, zoo::qwen_presets}) {
    auto specs = family();
    all.insert(all.end(), specs.begin(), specs.end());
  }
  return all;
}

}  // namespace

std::span<const ModelSpec> model_presets() {
  static const std::vector<ModelSpec> presets = build_presets();
  return presets;
}

const ModelSpec* find_model_preset(std::string_view name) {
  for (const auto& m : model_presets()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string model_preset_names() {
  std::string out;
  for (const auto& m : model_presets()) out.append(out.empty() ? "" : ", ").append(m.name);
  return out;
}

}  // namespace moesim::workloads
