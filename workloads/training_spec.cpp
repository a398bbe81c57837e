#include "workloads/training_spec.h"

namespace moesim::workloads {

double bytes_per_element(Precision precision) {
  switch (precision) {
    case Precision::kFp32:
      return 4;
    case Precision::kBf16:
      return 2;
    case Precision::kFp16:
      return 2;
    case Precision::kFp8:
      return 1;
  }
  return 4;
}

double TrainingSpec::dispatch_bytes_per_element() const {
  if (!dispatch_precision) return bytes_per_element(precision);
  return *dispatch_precision == Precision::kFp8 ? kFp8TiledBytesPerElement
                                                : bytes_per_element(*dispatch_precision);
}

std::string_view to_string(Precision precision) {
  switch (precision) {
    case Precision::kFp32:
      return "fp32";
    case Precision::kBf16:
      return "bf16";
    case Precision::kFp16:
      return "fp16";
    case Precision::kFp8:
      return "fp8";
  }
  return "?";
}

std::string_view to_string(Optimizer optimizer) {
  return optimizer == Optimizer::kAdam ? "adam" : "adafactor";
}

std::string_view to_string(Recompute recompute) {
  switch (recompute) {
    case Recompute::kNone:
      return "none";
    case Recompute::kSelective:
      return "selective";
    case Recompute::kFull:
      return "full";
  }
  return "?";
}

}  // namespace moesim::workloads
