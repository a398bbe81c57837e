#include "workloads/model_spec.h"

namespace moesim::workloads {

std::string_view to_string(ModelFamily family) {
  switch (family) {
    case ModelFamily::kSwitch:
      return "switch";
    case ModelFamily::kT5:
      return "t5";
    case ModelFamily::kGlam:
      return "glam";
    case ModelFamily::kGshard:
      return "gshard";
    case ModelFamily::kGpt3:
      return "gpt3";
    case ModelFamily::kShazeer:
      return "shazeer";
    case ModelFamily::kCustom:
      return "custom";
  }
  return "custom";
}

std::string_view to_string(GatingKind gating) {
  switch (gating) {
    case GatingKind::kNone:
      return "none";
    case GatingKind::kTop1:
      return "top1";
    case GatingKind::kTop2:
      return "top2";
    case GatingKind::kNoisyTopK:
      return "noisy_topk";
  }
  return "none";
}

}  // namespace moesim::workloads
