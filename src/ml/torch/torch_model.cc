// Networks handed in as TorchScript modules (torch.jit.script or trace, then save),
// through libtorch. This is the one file that includes libtorch: its exceptions end
// here and become a Status. A `torchscript` spec's module is trained here, on features
// standardised with the training rows (and, for regression, a standardised target: the
// losses an EpochObserver sees are in its units, so the training mean scores an MSE of
// 1); an imported module (ImportTorchScript) reads the raw features as it was trained
// to. A saved model holds the module's own bytes, so a loaded one predicts bit for bit
// the same.
//
// It is built as librtml_torch.so (torch_plugin.h), loaded only when a torchscript
// model is needed; everything here but rtml_torch_family() is hidden.
#include <ATen/Parallel.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>
#include <torch/script.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <mutex>
#include <numeric>
#include <random>
#include <sstream>

#include "class_labels.h"
#include "model_bytes.h"
#include "rtml/core/log.h"
#include "rtml/ml/model_spec.h"
#include "torch_plugin.h"

namespace rtml::ml {
namespace {

constexpr std::string_view kType = "torchscript";
// Rows per forward call when predicting or evaluating many: bounds the activations'
// memory whatever the dataset's size.
constexpr size_t kChunkRows = 8192;

// libtorch's messages run over many lines (a C++ backtrace, the TorchScript call
// stack); one line of them says what went wrong.
std::string OneLine(const std::exception& error) {
  const auto* torch_error = dynamic_cast<const c10::Error*>(&error);
  const std::string text =
      torch_error != nullptr ? torch_error->what_without_backtrace() : error.what();
  // The interpreter puts the reason last, after the TorchScript traceback.
  size_t start = text.rfind("Error: ");
  start = start == std::string::npos ? 0 : text.rfind('\n', start) + 1;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  std::string line = text.substr(start, text.find('\n', start) - start);
  constexpr size_t kMaxLength = 300;
  if (line.size() > kMaxLength) line = line.substr(0, kMaxLength) + "...";
  return line;
}

// Once per process, before anything else of libtorch runs.
void ConfigureLibtorch() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Small networks gain nothing from more threads, and the machine's cores serve
    // the pipeline; one thread also keeps every sum in one order.
    at::set_num_threads(1);
    // Graphs run as written: no re-optimisation after the first calls, which could
    // change a prediction's last bits between calls.
    torch::jit::setGraphExecutorOptimize(false);
  });
}

enum class Loss { kMse, kL1, kHuber, kCrossEntropy };
enum class Optimizer { kSgd, kAdam };
constexpr std::pair<std::string_view, Loss> kLosses[] = {{"mse", Loss::kMse},
                                                         {"l1", Loss::kL1},
                                                         {"huber", Loss::kHuber},
                                                         {"cross_entropy", Loss::kCrossEntropy}};
constexpr std::pair<std::string_view, Optimizer> kOptimizers[] = {{"sgd", Optimizer::kSgd},
                                                                  {"adam", Optimizer::kAdam}};

bool Whole(double v) { return v == std::floor(v); }

// The numeric hyperparameters, their defaults and what may be set.
struct NumericParam {
  const char* name;
  double fallback;
  const char* accepted;  // for the message when `valid` refuses a value
  bool (*valid)(double);
};
constexpr NumericParam kNumeric[] = {
    {"epochs", 20, "a whole number from 1 to 100000",
     [](double v) { return Whole(v) && v >= 1 && v <= 1e5; }},
    {"update_epochs", 5, "a whole number from 1 to 100000",
     [](double v) { return Whole(v) && v >= 1 && v <= 1e5; }},
    {"batch_size", 64, "a whole number from 1 to 1000000",
     [](double v) { return Whole(v) && v >= 1 && v <= 1e6; }},
    {"learning_rate", 1e-3, "above 0 and at most 10", [](double v) { return v > 0 && v <= 10; }},
    {"weight_decay", 0, "from 0 to 1", [](double v) { return v >= 0 && v <= 1; }},
    {"momentum", 0, "from 0 to below 1 (sgd only)", [](double v) { return v >= 0 && v < 1; }},
    {"seed", 0, "a whole number from 0 to 4294967295",
     [](double v) { return Whole(v) && v >= 0 && v <= 4294967295.0; }},
    {"classes", 0, "0 (regression) or a whole number of classes from 2 to 10000",
     [](double v) { return Whole(v) && (v == 0 || (v >= 2 && v <= kMaxClasses)); }},
};
constexpr const char* kTextParams =
    "module, loss (mse, l1, huber, cross_entropy), optimizer (sgd, adam)";

struct TorchParams {
  std::map<std::string, double> numbers;
  Loss loss = Loss::kMse;
  Optimizer optimizer = Optimizer::kAdam;

  int64_t Count(const char* name) const { return static_cast<int64_t>(numbers.at(name)); }
  int classes() const { return static_cast<int>(numbers.at("classes")); }
  std::string_view LossName() const {
    for (const auto& [name, value] : kLosses) {
      if (value == loss) return name;
    }
    return "";
  }
  std::string_view OptimizerName() const {
    for (const auto& [name, value] : kOptimizers) {
      if (value == optimizer) return name;
    }
    return "";
  }
};

// Checks and completes the hyperparameters of a spec, or of a saved model. `module`
// is set to the text param naming the module file, which only a spec has.
Result<TorchParams> ParseParams(const std::map<std::string, double>& numbers,
                                const std::map<std::string, std::string>& texts,
                                std::string* module) {
  TorchParams params;
  std::string names;
  for (const NumericParam& param : kNumeric) {
    params.numbers[param.name] = param.fallback;
    names += (names.empty() ? "" : ", ") + std::string(param.name);
  }
  for (const auto& [name, value] : numbers) {
    const NumericParam* known = nullptr;
    for (const NumericParam& param : kNumeric) known = name == param.name ? &param : known;
    if (known == nullptr) {
      return Status::InvalidArgument("torchscript: unknown parameter '" + name +
                                     "' (accepted: " + names + ", " + kTextParams + ")");
    }
    if (!known->valid(value)) {
      return Status::InvalidArgument("torchscript: " + name + " must be " + known->accepted);
    }
    params.numbers[name] = value;
  }
  bool loss_given = false;
  for (const auto& [name, value] : texts) {
    if (name == "module" && module != nullptr) {
      *module = value;
    } else if (name == "loss") {
      const auto* found = std::find_if(std::begin(kLosses), std::end(kLosses),
                                       [&](const auto& loss) { return loss.first == value; });
      if (found == std::end(kLosses)) {
        return Status::InvalidArgument("torchscript: unknown loss '" + value +
                                       "' (accepted: mse, l1, huber, cross_entropy)");
      }
      params.loss = found->second;
      loss_given = true;
    } else if (name == "optimizer") {
      const auto* found =
          std::find_if(std::begin(kOptimizers), std::end(kOptimizers),
                       [&](const auto& optimizer) { return optimizer.first == value; });
      if (found == std::end(kOptimizers)) {
        return Status::InvalidArgument("torchscript: unknown optimizer '" + value +
                                       "' (accepted: sgd, adam)");
      }
      params.optimizer = found->second;
    } else if (params.numbers.contains(name)) {
      return Status::InvalidArgument("torchscript: " + name + " must be a number");
    } else {
      return Status::InvalidArgument("torchscript: unknown parameter '" + name +
                                     "' (accepted: " + names + ", " + kTextParams + ")");
    }
  }
  const bool classifier = params.classes() >= 2;
  if (classifier && !loss_given) params.loss = Loss::kCrossEntropy;
  if (classifier != (params.loss == Loss::kCrossEntropy)) {
    return Status::InvalidArgument(
        classifier ? "torchscript: a classifier (classes >= 2) trains with loss cross_entropy"
                   : "torchscript: loss cross_entropy needs classes: the number of classes (2 "
                     "or more)");
  }
  return params;
}

std::string ShapeText(at::IntArrayRef sizes) {
  std::string out = "[";
  for (size_t i = 0; i < sizes.size(); ++i) out += (i ? ", " : "") + std::to_string(sizes[i]);
  return out + "]";
}

constexpr char kHexDigits[] = "0123456789abcdef";

std::string ToHex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    out += kHexDigits[value >> 4];
    out += kHexDigits[value & 15];
  }
  return out;
}

Result<std::string> FromHex(std::string_view hex) {
  const auto digit = [](char c) -> int {
    const char* found = std::strchr(kHexDigits, c);
    return c != '\0' && found != nullptr ? static_cast<int>(found - kHexDigits) : -1;
  };
  if (hex.size() % 2 != 0) return Status::Corruption("saved model: 'module' is not hex bytes");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const int high = digit(hex[2 * i]), low = digit(hex[2 * i + 1]);
    if (high < 0 || low < 0) return Status::Corruption("saved model: 'module' is not hex bytes");
    out[i] = static_cast<char>(high * 16 + low);
  }
  return out;
}

// A model is one network (module_) with the standardisation of its inputs and target.
// Predict runs the module's forward from any thread (the TorchScript interpreter is
// thread-safe); Fit and Update change its weights on one thread.
class TorchModel final : public Model {
 public:
  TorchModel(std::vector<std::string> features, TorchParams params, bool standardise)
      : features_(std::move(features)),
        params_(std::move(params)),
        standardise_(standardise),
        mean_(features_.size(), 0.0),
        scale_(features_.size(), 1.0) {}

  std::string_view type() const override { return kType; }
  const std::vector<std::string>& feature_names() const override { return features_; }
  int classes() const override { return params_.classes(); }
  void ObserveEpochs(EpochObserver observer) override { observer_ = std::move(observer); }

  // Takes the module's serialized bytes: what every Fit starts from. InvalidArgument if
  // they are not a TorchScript module whose forward maps a batch of this model's
  // features to outputs of the right shape.
  Status SetModule(std::string bytes, std::string_view origin) {
    RTML_RETURN_IF_ERROR(LoadModule(bytes, origin));
    initial_ = std::move(bytes);
    return Status::Ok();
  }

  void SetFitted(bool fitted) { fitted_ = fitted; }

  Status Fit(const Dataset& train, const Dataset& validation) override {
    RTML_RETURN_IF_ERROR(CheckRows(train, "training"));
    if (validation.rows() > 0) RTML_RETURN_IF_ERROR(CheckRows(validation, "validation"));
    fitted_ = false;
    // From the module's initial weights every time: the same rows and seed give the
    // same network.
    RTML_RETURN_IF_ERROR(LoadModule(initial_, "the module"));
    if (standardise_) Standardise(train);
    RTML_RETURN_IF_ERROR(Train(train, validation, params_.Count("epochs")));
    fitted_ = true;
    return Status::Ok();
  }

  Status Update(const Dataset& rows) override {
    if (!fitted_) return Status::InvalidArgument("torchscript: fit the model before updating it");
    RTML_RETURN_IF_ERROR(CheckRows(rows, "update"));
    // A failed update leaves the model as it was.
    RTML_ASSIGN_OR_RETURN(const std::string before, ModuleBytes());
    const Status trained = Train(rows, Dataset{}, params_.Count("update_epochs"));
    if (!trained.ok()) RTML_RETURN_IF_ERROR(LoadModule(before, "the module"));
    return trained;
  }

  double Predict(std::span<const double> row) const override {
    double out = std::numeric_limits<double>::quiet_NaN();
    if (row.size() != features_.size()) {
      LogWarning("torchscript: a row of " + std::to_string(row.size()) +
                 " features; the model reads " + std::to_string(features_.size()));
      return out;
    }
    Run(row.data(), 1, std::span(&out, 1));
    return out;
  }

  void PredictBatch(const Dataset& data, std::span<double> out) const override {
    if (data.features() != features_.size()) {
      LogWarning("torchscript: rows of " + std::to_string(data.features()) +
                 " features; the model reads " + std::to_string(features_.size()));
      std::fill(out.begin(), out.end(), std::numeric_limits<double>::quiet_NaN());
      return;
    }
    for (size_t begin = 0; begin < data.rows(); begin += kChunkRows) {
      const size_t count = std::min(kChunkRows, data.rows() - begin);
      Run(data.x.data() + begin * features_.size(), count, out.subspan(begin, count));
    }
  }

  Result<std::string> Save() const override {
    if (!fitted_) return Status::InvalidArgument("torchscript: fit the model before saving it");
    RTML_ASSIGN_OR_RETURN(const std::string module, ModuleBytes());
    ModelBytesWriter out(kType, features_);
    for (const NumericParam& param : kNumeric)
      out.Number(param.name, params_.numbers.at(param.name));
    out.Text("loss", params_.LossName());
    out.Text("optimizer", params_.OptimizerName());
    out.Number("standardise", standardise_ ? 1 : 0);
    out.Numbers("mean", mean_);
    out.Numbers("scale", scale_);
    out.Numbers("target", std::vector<double>{target_mean_, target_scale_});
    // The module is a zip archive: binary, so hex in the text format.
    out.Text("module", ToHex(module));
    return out.Finish();
  }

  Status Restore(const ModelBytesReader& saved) {
    RTML_ASSIGN_OR_RETURN(mean_, saved.Numbers("mean", features_.size()));
    RTML_ASSIGN_OR_RETURN(scale_, saved.Numbers("scale", features_.size()));
    RTML_ASSIGN_OR_RETURN(const std::vector<double> target, saved.Numbers("target", 2));
    target_mean_ = target[0];
    target_scale_ = target[1];
    RTML_ASSIGN_OR_RETURN(const std::string hex, saved.Text("module"));
    RTML_ASSIGN_OR_RETURN(std::string module, FromHex(hex));
    RTML_RETURN_IF_ERROR(SetModule(std::move(module), "the saved module"));
    fitted_ = true;
    return Status::Ok();
  }

 private:
  // Loads `bytes` into module_ and checks its forward on a batch of two rows.
  Status LoadModule(const std::string& bytes, std::string_view origin) {
    try {
      std::istringstream in(bytes);
      module_ = torch::jit::load(in);
    } catch (const std::exception& error) {
      return Status::InvalidArgument("torchscript: " + std::string(origin) +
                                     " is not a TorchScript module: " + OneLine(error));
    }
    input_type_ = at::kFloat;
    for (const at::Tensor& parameter : module_.parameters()) {
      // A module of doubles gets doubles.
      if (at::isFloatingType(parameter.scalar_type())) {
        input_type_ = parameter.scalar_type();
        break;
      }
    }
    try {
      SetTraining(false);
      const c10::InferenceMode inference;
      const at::Tensor probe = at::zeros({2, static_cast<int64_t>(features_.size())}, input_type_);
      RTML_RETURN_IF_ERROR(Shaped(Forward(probe), 2).status());
    } catch (const std::exception& error) {
      return Status::InvalidArgument(
          "torchscript: " + std::string(origin) + ": forward fails on a batch of " +
          std::to_string(features_.size()) + " features: " + OneLine(error));
    }
    return Status::Ok();
  }

  Result<std::string> ModuleBytes() const {
    try {
      std::ostringstream out;
      module_.save(out);
      return out.str();
    } catch (const std::exception& error) {
      return Status::Internal("torchscript: cannot save the module: " + OneLine(error));
    }
  }

  Status CheckRows(const Dataset& rows, std::string_view what) const {
    RTML_RETURN_IF_ERROR(rows.Validate());
    if (rows.rows() == 0) {
      return Status::InvalidArgument("torchscript: no " + std::string(what) + " rows");
    }
    if (rows.features() != features_.size()) {
      return Status::InvalidArgument("torchscript: the " + std::string(what) + " rows have " +
                                     std::to_string(rows.features()) +
                                     " features, the model reads " +
                                     std::to_string(features_.size()));
    }
    if (params_.classes() >= 2) {
      RTML_RETURN_IF_ERROR(CountClasses(rows, params_.classes(), kType).status());
    }
    return Status::Ok();
  }

  void Standardise(const Dataset& train) {
    const size_t n = train.rows(), p = features_.size();
    for (size_t j = 0; j < p; ++j) {
      double sum = 0, squares = 0;
      for (size_t i = 0; i < n; ++i) sum += train.x[i * p + j];
      mean_[j] = sum / static_cast<double>(n);
      for (size_t i = 0; i < n; ++i) squares += std::pow(train.x[i * p + j] - mean_[j], 2);
      scale_[j] = std::sqrt(squares / static_cast<double>(n));
      if (!(scale_[j] > 0)) scale_[j] = 1;  // a constant feature: 0 after standardising
    }
    if (params_.classes() >= 2) return;
    const double sum = std::accumulate(train.y.begin(), train.y.end(), 0.0);
    target_mean_ = sum / static_cast<double>(n);
    double squares = 0;
    for (const double y : train.y) squares += std::pow(y - target_mean_, 2);
    target_scale_ = std::sqrt(squares / static_cast<double>(n));
    if (!(target_scale_ > 0)) target_scale_ = 1;
  }

  // The standardised rows x[0 .. rows) as the module's input.
  at::Tensor Inputs(const double* x, size_t rows) const {
    const size_t p = features_.size();
    std::vector<double> z(rows * p);
    for (size_t i = 0; i < rows; ++i) {
      for (size_t j = 0; j < p; ++j) z[i * p + j] = (x[i * p + j] - mean_[j]) / scale_[j];
    }
    return at::from_blob(z.data(), {static_cast<int64_t>(rows), static_cast<int64_t>(p)},
                         at::kDouble)
        .to(input_type_, /*non_blocking=*/false, /*copy=*/true);
  }

  // What the module is trained to output: standardised targets, or class indices.
  at::Tensor Targets(const Dataset& rows) const {
    const auto n = static_cast<int64_t>(rows.rows());
    if (params_.classes() >= 2) {
      std::vector<int64_t> labels(rows.y.begin(), rows.y.end());
      return at::from_blob(labels.data(), {n}, at::kLong).clone();
    }
    std::vector<double> z(rows.y.size());
    for (size_t i = 0; i < z.size(); ++i) z[i] = (rows.y[i] - target_mean_) / target_scale_;
    return at::from_blob(z.data(), {n}, at::kDouble)
        .to(input_type_, /*non_blocking=*/false, /*copy=*/true);
  }

  at::Tensor Forward(const at::Tensor& x) const {
    return module_.get_method("forward")({x}).toTensor();
  }

  // The module's output for `rows` rows as the loss takes it: [rows] for regression,
  // [rows, classes] logits. InvalidArgument for any other shape.
  Result<at::Tensor> Shaped(const at::Tensor& out, int64_t rows) const {
    const int classes = params_.classes();
    if (classes >= 2) {
      if (out.dim() == 2 && out.size(0) == rows && out.size(1) == classes) return out;
      return Status::InvalidArgument(
          "torchscript: forward returned " + ShapeText(out.sizes()) + " for a batch of " +
          std::to_string(rows) + " rows; a classifier of " + std::to_string(classes) +
          " classes returns [batch, " + std::to_string(classes) + "] logits");
    }
    if ((out.dim() == 1 && out.size(0) == rows) ||
        (out.dim() == 2 && out.size(0) == rows && out.size(1) == 1)) {
      return out.reshape({rows});
    }
    return Status::InvalidArgument("torchscript: forward returned " + ShapeText(out.sizes()) +
                                   " for a batch of " + std::to_string(rows) +
                                   " rows; a regression module returns [batch] or [batch, 1]");
  }

  // Predictions for rows x[0 .. rows) into `out`; NaN (and a warning) if the module fails.
  void Run(const double* x, size_t rows, std::span<double> out) const {
    try {
      const c10::InferenceMode inference;
      Result<at::Tensor> shaped = Shaped(Forward(Inputs(x, rows)), static_cast<int64_t>(rows));
      if (!shaped.ok()) {
        LogWarning(shaped.status().message());
        std::fill(out.begin(), out.end(), std::numeric_limits<double>::quiet_NaN());
        return;
      }
      const at::Tensor values = shaped->to(at::kDouble).contiguous();
      const double* v = values.data_ptr<double>();
      const int classes = params_.classes();
      for (size_t i = 0; i < rows; ++i) {
        if (classes == 0) {
          out[i] = v[i] * target_scale_ + target_mean_;
        } else if (classes == 2) {
          // softmax(logits)[1], computed without overflow.
          out[i] = 1 / (1 + std::exp(v[2 * i] - v[2 * i + 1]));
        } else {
          const double* logits = v + i * static_cast<size_t>(classes);
          out[i] = static_cast<double>(std::max_element(logits, logits + classes) - logits);
        }
      }
    } catch (const std::exception& error) {
      LogWarning("torchscript: prediction failed: " + OneLine(error));
      std::fill(out.begin(), out.end(), std::numeric_limits<double>::quiet_NaN());
    }
  }

  void SetTraining(bool on) {
    // Modules built without torch.nn.Module (in C++) may lack the flag.
    if (module_.hasattr("training")) module_.train(on);
  }

  at::Tensor Loss(const at::Tensor& out, const at::Tensor& target) const {
    switch (params_.loss) {
      case Loss::kMse:
        return at::mse_loss(out, target);
      case Loss::kL1:
        return at::l1_loss(out, target);
      case Loss::kHuber:
        return at::huber_loss(out, target);
      case Loss::kCrossEntropy:
        break;
    }
    return at::cross_entropy_loss(out, target);
  }

  std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(std::vector<at::Tensor> weights) const {
    const double rate = params_.numbers.at("learning_rate");
    const double decay = params_.numbers.at("weight_decay");
    if (params_.optimizer == Optimizer::kSgd) {
      return std::make_unique<torch::optim::SGD>(std::move(weights),
                                                 torch::optim::SGDOptions(rate)
                                                     .momentum(params_.numbers.at("momentum"))
                                                     .weight_decay(decay));
    }
    return std::make_unique<torch::optim::Adam>(
        std::move(weights), torch::optim::AdamOptions(rate).weight_decay(decay));
  }

  // The mean loss over `rows`, in eval mode, without autograd.
  double EvaluateLoss(const Dataset& rows) const {
    const c10::InferenceMode inference;
    const at::Tensor targets = Targets(rows);
    double total = 0;
    for (size_t begin = 0; begin < rows.rows(); begin += kChunkRows) {
      const size_t count = std::min(kChunkRows, rows.rows() - begin);
      const at::Tensor x = Inputs(rows.x.data() + begin * features_.size(), count);
      Result<at::Tensor> out = Shaped(Forward(x), static_cast<int64_t>(count));
      if (!out.ok()) return std::numeric_limits<double>::quiet_NaN();
      const at::Tensor y =
          targets.narrow(0, static_cast<int64_t>(begin), static_cast<int64_t>(count));
      total += Loss(*out, y).item<double>() * static_cast<double>(count);
    }
    return total / static_cast<double>(rows.rows());
  }

  // `epochs` passes over `rows` in minibatches of consecutive rows (time order within
  // a batch), the batches in an order shuffled each epoch; the seed fixes the order
  // and anything random in the module (dropout).
  Status Train(const Dataset& rows, const Dataset& validation, int64_t epochs) {
    const auto seed = static_cast<uint64_t>(params_.Count("seed"));
    try {
      at::manual_seed(seed);
      std::mt19937_64 rng(seed);
      const at::Tensor x = Inputs(rows.x.data(), rows.rows());
      const at::Tensor y = Targets(rows);
      std::vector<at::Tensor> weights;
      for (at::Tensor parameter : module_.parameters()) {
        parameter.requires_grad_(true);
        weights.push_back(parameter);
      }
      if (weights.empty()) {
        return Status::InvalidArgument("torchscript: the module has no parameters to train");
      }
      const std::unique_ptr<torch::optim::Optimizer> optimizer = MakeOptimizer(weights);
      const auto n = static_cast<int64_t>(rows.rows());
      const int64_t batch = std::min(params_.Count("batch_size"), n);
      std::vector<int64_t> order(static_cast<size_t>((n + batch - 1) / batch));
      std::iota(order.begin(), order.end(), 0);
      for (int64_t epoch = 1; epoch <= epochs; ++epoch) {
        std::shuffle(order.begin(), order.end(), rng);
        SetTraining(true);
        double total = 0;
        for (const int64_t index : order) {
          const int64_t begin = index * batch, count = std::min(batch, n - begin);
          optimizer->zero_grad();
          RTML_ASSIGN_OR_RETURN(const at::Tensor out,
                                Shaped(Forward(x.narrow(0, begin, count)), count));
          const at::Tensor loss = Loss(out, y.narrow(0, begin, count));
          loss.backward();
          optimizer->step();
          total += loss.item<double>() * static_cast<double>(count);
        }
        SetTraining(false);
        const double train_loss = total / static_cast<double>(n);
        if (!std::isfinite(train_loss)) {
          return Status::InvalidArgument("torchscript: training diverged in epoch " +
                                         std::to_string(epoch) +
                                         " (the loss is not finite); try a lower learning_rate");
        }
        const double validation_loss = validation.rows() > 0
                                           ? EvaluateLoss(validation)
                                           : std::numeric_limits<double>::quiet_NaN();
        if (observer_) {
          observer_({.epoch = static_cast<int>(epoch),
                     .epochs = static_cast<int>(epochs),
                     .train_loss = train_loss,
                     .validation_loss = validation_loss});
        }
      }
    } catch (const std::exception& error) {
      try {
        SetTraining(false);
      } catch (const std::exception&) {
        // It worked when the module was loaded; the training error is the one to report.
      }
      return Status::InvalidArgument("torchscript: training failed: " + OneLine(error));
    }
    return Status::Ok();
  }

  const std::vector<std::string> features_;
  const TorchParams params_;
  // False for an imported module, which reads the raw features and outputs the target.
  const bool standardise_;
  std::vector<double> mean_;
  std::vector<double> scale_;
  double target_mean_ = 0;
  double target_scale_ = 1;
  std::string initial_;  // the module's bytes as made, imported or loaded
  torch::jit::Module module_;
  at::ScalarType input_type_ = at::kFloat;
  bool fitted_ = false;
  EpochObserver observer_;
};

Result<std::string> ReadModuleFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::InvalidArgument("torchscript: cannot read module '" + path +
                                   "': " + std::strerror(errno));
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Result<std::unique_ptr<Model>> Make(const ModelSpec& spec) {
  ConfigureLibtorch();
  if (spec.features.empty()) return Status::InvalidArgument("torchscript: declare its features");
  std::string path;
  RTML_ASSIGN_OR_RETURN(TorchParams params, ParseParams(spec.params, spec.text_params, &path));
  if (path.empty()) {
    return Status::InvalidArgument(
        "torchscript: name the module file (params: {module: net.pt}), a TorchScript module "
        "saved with torch.jit.save");
  }
  RTML_ASSIGN_OR_RETURN(std::string bytes, ReadModuleFile(path));
  auto model = std::make_unique<TorchModel>(spec.features, std::move(params), true);
  RTML_RETURN_IF_ERROR(model->SetModule(std::move(bytes), "module '" + path + "'"));
  return std::unique_ptr<Model>(std::move(model));
}

Result<std::unique_ptr<Model>> Import(std::string_view module, std::vector<std::string> features,
                                      int classes) {
  ConfigureLibtorch();
  if (features.empty()) {
    return Status::InvalidArgument("torchscript import: name the module's features");
  }
  RTML_ASSIGN_OR_RETURN(TorchParams params, ParseParams({{"classes", static_cast<double>(classes)}},
                                                        {}, /*module=*/nullptr));
  auto model = std::make_unique<TorchModel>(std::move(features), std::move(params), false);
  RTML_RETURN_IF_ERROR(model->SetModule(std::string(module), "the imported module"));
  model->SetFitted(true);
  return std::unique_ptr<Model>(std::move(model));
}

Result<std::unique_ptr<Model>> Load(const ModelBytesReader& saved) {
  ConfigureLibtorch();
  std::map<std::string, double> numbers;
  for (const NumericParam& param : kNumeric) {
    RTML_ASSIGN_OR_RETURN(numbers[param.name], saved.Number(param.name));
  }
  std::map<std::string, std::string> texts;
  RTML_ASSIGN_OR_RETURN(texts["loss"], saved.Text("loss"));
  RTML_ASSIGN_OR_RETURN(texts["optimizer"], saved.Text("optimizer"));
  RTML_ASSIGN_OR_RETURN(const double standardise, saved.Number("standardise"));
  Result<TorchParams> params = ParseParams(numbers, texts, /*module=*/nullptr);
  if (!params.ok()) return Status::Corruption("saved model: " + params.status().message());
  auto model =
      std::make_unique<TorchModel>(saved.features(), std::move(params).value(), standardise != 0);
  RTML_RETURN_IF_ERROR(model->Restore(saved));
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace
}  // namespace rtml::ml

extern "C" __attribute__((visibility("default"))) const rtml::ml::TorchFamily* rtml_torch_family() {
  static const rtml::ml::TorchFamily family = {.abi = rtml::ml::kTorchPluginAbi,
                                               .make = rtml::ml::Make,
                                               .load = rtml::ml::Load,
                                               .import = rtml::ml::Import};
  return &family;
}
