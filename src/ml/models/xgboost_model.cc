// XGBoost through its C API. Training converts the features to float (XGBoost's
// own precision); a saved model is XGBoost's JSON, so it loads back (here or in any
// XGBoost) to the same trees and the same predictions.
#include "class_labels.h"
#include "model_families.h"
#include "rtml/core/log.h"

#include <simdjson.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <set>

namespace rtml::ml {
namespace {

Status XgbError(std::string_view what) {
  return Status::Internal("xgboost: " + std::string(what) + ": " + XGBGetLastError());
}

struct Matrix {
  DMatrixHandle handle = nullptr;
  ~Matrix() {
    if (handle != nullptr) XGDMatrixFree(handle);
  }
};

// `threads` stays with the DMatrix: XGBoost builds its histogram index (most of the
// first round) with it, so XGDMatrixCreateFromMat's 1 would serialise that step.
Status MakeMatrix(const Dataset& data, int threads, Matrix& out) {
  std::vector<float> x(data.x.begin(), data.x.end());
  if (XGDMatrixCreateFromMat_omp(x.data(), data.rows(), data.features(),
                                 std::numeric_limits<float>::quiet_NaN(), &out.handle,
                                 threads) != 0) {
    return XgbError("DMatrix");
  }
  std::vector<float> y(data.y.begin(), data.y.end());
  if (XGDMatrixSetFloatInfo(out.handle, "label", y.data(), y.size()) != 0) {
    return XgbError("labels");
  }
  return Status::Ok();
}

// The numeric hyperparameters, XGBoost's names, and what may be set.
struct NumericParam {
  const char* name;
  double fallback;
  double min;
  double max;
};
constexpr NumericParam kNumeric[] = {{"n_estimators", 200, 1, 100000},
                                     {"max_depth", 6, 0, 64},
                                     {"learning_rate", 0.1, 1e-6, 1},
                                     {"subsample", 1, 1e-6, 1},
                                     {"colsample_bytree", 1, 1e-6, 1},
                                     {"min_child_weight", 1, 0, 1e9},
                                     {"reg_lambda", 1, 0, 1e9},
                                     {"reg_alpha", 0, 0, 1e9},
                                     {"early_stopping_rounds", 0, 0, 1e6},
                                     {"seed", 0, 0, 2147483647},
                                     {"nthread", 2, 1, 256}};
const std::set<std::string, std::less<>> kObjectives = {"reg:squarederror", "reg:absoluteerror",
                                                        "reg:pseudohubererror", "binary:logistic",
                                                        "multi:softmax"};
constexpr const char* kObjectiveList =
    "reg:squarederror, reg:absoluteerror, reg:pseudohubererror, binary:logistic, multi:softmax";

// The trees of a booster, read from XGBoost's JSON, evaluated here: Predict is then a
// walk down 200 small arrays (a few µs) instead of a call into the library that parses
// a JSON config every time (~50 µs), and it is safe from any thread. It computes as
// XGBoost's CPU predictor does - features as float, `value < split` goes left, a
// missing (NaN) value goes the default way, leaf values added in float in tree order
// to the base margin - so the results are bit-identical (tested). For multi:softmax
// each class has its own trees (the JSON's tree_info gives each tree's class) and its
// own margin, and the prediction is the class of the largest, the first of equals.
class TreeEnsemble {
 public:
  Status Parse(std::string_view json) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(json);
    simdjson::dom::element root;
    if (parser.parse(padded).get(root) != simdjson::SUCCESS) {
      return Status::Corruption("xgboost model JSON: not JSON");
    }
    std::string_view base_text, objective;
    simdjson::dom::array trees;
    if (root["learner"]["learner_model_param"]["base_score"].get_string().get(base_text) ||
        root["learner"]["objective"]["name"].get_string().get(objective) ||
        root["learner"]["gradient_booster"]["model"]["trees"].get_array().get(trees)) {
      return Status::Corruption("xgboost model JSON: not a gbtree model");
    }
    if (!kObjectives.contains(objective)) {
      return Status::Unsupported("xgboost model JSON: objective " + std::string(objective) +
                                 " is not supported (supported: " + kObjectiveList + ")" +
                                 (objective == "multi:softprob"
                                      ? "; multi:softmax gives the same trees and the class"
                                      : ""));
    }
    // Absent before multi-class models: one group of trees.
    std::string_view num_class_text;
    if (root["learner"]["learner_model_param"]["num_class"].get_string().get(num_class_text)) {
      num_class_text = "0";
    }
    const long num_class = std::strtol(std::string(num_class_text).c_str(), nullptr, 10);
    if (num_class < 0 || num_class > kMaxClasses ||
        (objective == "multi:softmax") != (num_class >= 2)) {
      return Status::Corruption("xgboost model JSON: num_class " + std::string(num_class_text) +
                                " does not fit objective " + std::string(objective));
    }
    const size_t groups = num_class >= 2 ? static_cast<size_t>(num_class) : 1;
    std::vector<int64_t> tree_info;
    if (groups > 1) {
      RTML_RETURN_IF_ERROR(ReadNumbers(root["learner"]["gradient_booster"]["model"].value_unsafe(),
                                       "tree_info", tree_info));
      if (tree_info.size() != trees.size()) {
        return Status::Corruption("xgboost model JSON: tree_info does not give every tree's class");
      }
    }
    const float base = std::strtof(std::string(base_text).c_str(), nullptr);
    objective_ = objective;
    classes_ =
        objective == "binary:logistic" ? 2 : static_cast<int>(num_class >= 2 ? num_class : 0);
    logistic_ = objective == "binary:logistic";
    base_margin_ = logistic_ ? -std::log(1.0f / base - 1.0f) : base;
    nodes_.clear();
    roots_.assign(groups, {});
    size_t tree_index = 0;
    std::vector<int64_t> left, right, feature, default_left;
    std::vector<double> value;
    for (simdjson::dom::element tree : trees) {
      RTML_RETURN_IF_ERROR(ReadNumbers(tree, "left_children", left));
      RTML_RETURN_IF_ERROR(ReadNumbers(tree, "right_children", right));
      RTML_RETURN_IF_ERROR(ReadNumbers(tree, "split_indices", feature));
      RTML_RETURN_IF_ERROR(ReadNumbers(tree, "default_left", default_left));
      RTML_RETURN_IF_ERROR(ReadNumbers(tree, "split_conditions", value));
      const size_t count = value.size();
      if (left.size() != count || right.size() != count || feature.size() != count ||
          default_left.size() != count) {
        return Status::Corruption("xgboost model JSON: a tree's arrays differ in length");
      }
      // All trees in one array, children as absolute indices: fewer cache misses.
      const int32_t first = static_cast<int32_t>(nodes_.size());
      const int64_t group = groups > 1 ? tree_info[tree_index] : 0;
      if (group < 0 || group >= static_cast<int64_t>(groups)) {
        return Status::Corruption("xgboost model JSON: tree " + std::to_string(tree_index) +
                                  " belongs to class " + std::to_string(group) + " of " +
                                  std::to_string(groups));
      }
      roots_[static_cast<size_t>(group)].push_back(first);
      ++tree_index;
      for (size_t i = 0; i < count; ++i) {
        const bool leaf = left[i] == -1;
        nodes_.push_back({.left = leaf ? -1 : first + static_cast<int32_t>(left[i]),
                          .right = leaf ? -1 : first + static_cast<int32_t>(right[i]),
                          .feature = static_cast<int32_t>(feature[i]),
                          .default_left = default_left[i] != 0,
                          .value = static_cast<float>(value[i])});
      }
    }
    return Status::Ok();
  }

  double Predict(std::span<const double> row) const {
    if (roots_.size() == 1) {
      const float sum = Margin(row, roots_[0]);
      if (logistic_) return 1.0f / (1.0f + std::exp(-sum));
      return sum;
    }
    size_t best = 0;
    float best_margin = Margin(row, roots_[0]);
    for (size_t group = 1; group < roots_.size(); ++group) {
      const float margin = Margin(row, roots_[group]);
      if (margin > best_margin) {
        best = group;
        best_margin = margin;
      }
    }
    return static_cast<double>(best);
  }

  const std::string& objective() const { return objective_; }
  // 2 for binary:logistic, num_class for multi:softmax, else 0.
  int classes() const { return classes_; }

 private:
  // The base margin plus the leaves `row` reaches in `roots`, in tree order.
  float Margin(std::span<const double> row, const std::vector<int32_t>& roots) const {
    float sum = base_margin_;
    for (const int32_t root : roots) {
      const Node* node = &nodes_[static_cast<size_t>(root)];
      while (node->left != -1) {
        const float x = static_cast<float>(row[static_cast<size_t>(node->feature)]);
        const bool go_left = std::isnan(x) ? node->default_left : x < node->value;
        // Arithmetic, not a branch: which way a row goes is data, unpredictable.
        const int32_t next =
            node->right + (node->left - node->right) * static_cast<int32_t>(go_left);
        node = &nodes_[static_cast<size_t>(next)];
      }
      sum += node->value;
    }
    return sum;
  }

  struct Node {
    int32_t left;  // -1: a leaf
    int32_t right;
    int32_t feature;
    bool default_left;  // where a missing value goes
    float value;        // the split value, or a leaf's value
  };

  template <typename T>
  static Status ReadNumbers(simdjson::dom::element tree, const char* field, std::vector<T>& out) {
    simdjson::dom::array array;
    if (tree[field].get_array().get(array)) {
      return Status::Corruption(std::string("xgboost model JSON: a tree lacks ") + field);
    }
    out.clear();
    for (simdjson::dom::element v : array) {
      T number{};
      if (v.get(number) != simdjson::SUCCESS) {
        return Status::Corruption(std::string("xgboost model JSON: ") + field +
                                  " holds a non-number");
      }
      out.push_back(number);
    }
    return Status::Ok();
  }

  std::vector<Node> nodes_;
  std::vector<std::vector<int32_t>> roots_;  // per class (one group if not multi-class)
  float base_margin_ = 0;
  bool logistic_ = false;
  std::string objective_;
  int classes_ = 0;
};

class XGBoostModel final : public Model {
 public:
  XGBoostModel(std::vector<std::string> features, std::map<std::string, double> params,
               std::string objective, int num_class)
      : features_(std::move(features)),
        params_(std::move(params)),
        objective_(std::move(objective)),
        num_class_(num_class) {}
  ~XGBoostModel() override {
    if (booster_ != nullptr) XGBoosterFree(booster_);
  }

  std::string_view type() const override { return "xgboost"; }
  const std::vector<std::string>& feature_names() const override { return features_; }
  int classes() const override {
    return objective_ == "binary:logistic" ? 2 : objective_ == "multi:softmax" ? num_class_ : 0;
  }

  Status Fit(const Dataset& train, const Dataset& validation) override {
    RTML_RETURN_IF_ERROR(train.Validate());
    if (train.rows() == 0) return Status::InvalidArgument("xgboost: no training rows");
    if (train.features() != features_.size()) {
      return Status::InvalidArgument("xgboost: the rows have " + std::to_string(train.features()) +
                                     " features, the model reads " +
                                     std::to_string(features_.size()));
    }
    const bool early = params_.at("early_stopping_rounds") > 0 && validation.rows() > 0;
    // XGBoost refuses such labels too, but without naming the row.
    if (classes() > 0) {
      RTML_RETURN_IF_ERROR(CountClasses(train, classes(), "xgboost " + objective_).status());
      if (early) {
        RTML_RETURN_IF_ERROR(
            CountClasses(validation, classes(), "xgboost " + objective_ + " validation").status());
      }
    }
    Matrix dtrain, dvalid;
    const int threads = static_cast<int>(params_.at("nthread"));
    RTML_RETURN_IF_ERROR(MakeMatrix(train, threads, dtrain));
    if (early) RTML_RETURN_IF_ERROR(MakeMatrix(validation, threads, dvalid));
    if (booster_ != nullptr) XGBoosterFree(booster_);
    booster_ = nullptr;
    DMatrixHandle cache[] = {dtrain.handle};
    if (XGBoosterCreate(cache, 1, &booster_) != 0) return XgbError("booster");
    const auto set = [&](const char* name, const std::string& value) {
      return XGBoosterSetParam(booster_, name, value.c_str()) == 0 ? Status::Ok() : XgbError(name);
    };
    const auto number = [&](const char* name) { return Text(params_.at(name)); };
    RTML_RETURN_IF_ERROR(set("objective", objective_));
    if (objective_ == "multi:softmax") RTML_RETURN_IF_ERROR(set("num_class", Text(num_class_)));
    RTML_RETURN_IF_ERROR(set("max_depth", number("max_depth")));
    RTML_RETURN_IF_ERROR(set("eta", number("learning_rate")));
    RTML_RETURN_IF_ERROR(set("subsample", number("subsample")));
    RTML_RETURN_IF_ERROR(set("colsample_bytree", number("colsample_bytree")));
    RTML_RETURN_IF_ERROR(set("min_child_weight", number("min_child_weight")));
    RTML_RETURN_IF_ERROR(set("lambda", number("reg_lambda")));
    RTML_RETURN_IF_ERROR(set("alpha", number("reg_alpha")));
    RTML_RETURN_IF_ERROR(set("seed", number("seed")));
    RTML_RETURN_IF_ERROR(set("nthread", number("nthread")));
    RTML_RETURN_IF_ERROR(set("tree_method", "hist"));
    RTML_RETURN_IF_ERROR(set("verbosity", "0"));
    const int rounds = static_cast<int>(params_.at("n_estimators"));
    const int patience = static_cast<int>(params_.at("early_stopping_rounds"));
    double best = std::numeric_limits<double>::infinity();
    int best_round = rounds - 1;
    for (int round = 0; round < rounds; ++round) {
      if (XGBoosterUpdateOneIter(booster_, round, dtrain.handle) != 0) return XgbError("training");
      if (!early) continue;
      DMatrixHandle sets[] = {dvalid.handle};
      const char* names[] = {"valid"};
      const char* result = nullptr;
      if (XGBoosterEvalOneIter(booster_, round, sets, names, 1, &result) != 0) {
        return XgbError("validation");
      }
      // "[12]\tvalid-rmse:0.1234"
      const char* colon = std::strrchr(result, ':');
      const double score = colon != nullptr ? std::strtod(colon + 1, nullptr) : NAN;
      if (score < best) {
        best = score;
        best_round = round;
      } else if (round - best_round >= patience) {
        break;
      }
    }
    if (early) {
      BoosterHandle sliced = nullptr;
      if (XGBoosterSlice(booster_, 0, best_round + 1, 1, &sliced) != 0) return XgbError("slice");
      XGBoosterFree(booster_);
      booster_ = sliced;
    }
    RTML_ASSIGN_OR_RETURN(const std::string json, ModelJson());
    return trees_.Parse(json);
  }

  double Predict(std::span<const double> row) const override { return trees_.Predict(row); }

  // XGBoost's own prediction of one row, through the library (what Predict matches).
  double LibraryPredict(std::span<const double> row) const {
    char array[160];
    std::snprintf(array, sizeof array,
                  R"({"data":[%lu,true],"shape":[1,%zu],"typestr":"<f8","version":3})",
                  static_cast<unsigned long>(reinterpret_cast<uintptr_t>(row.data())), row.size());
    static const char* const kConfig =
        R"({"type":0,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false,"missing":NaN,"cache_id":0})";
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* out = nullptr;
    if (XGBoosterPredictFromDense(booster_, array, kConfig, nullptr, &shape, &dims, &out) != 0) {
      LogWarning(std::string("xgboost: prediction failed: ") + XGBGetLastError());
      return std::numeric_limits<double>::quiet_NaN();
    }
    return out[0];
  }

  Result<std::string> Save() const override {
    RTML_ASSIGN_OR_RETURN(const std::string json, ModelJson());
    ModelBytesWriter out("xgboost", features_);
    out.Text("objective", objective_);
    for (const NumericParam& param : kNumeric) out.Number(param.name, params_.at(param.name));
    out.Text("model_json", json);
    return out.Finish();
  }

  // XGBoost's own JSON of the trees, loadable by any XGBoost.
  Result<std::string> ModelJson() const {
    bst_ulong length = 0;
    const char* bytes = nullptr;
    if (XGBoosterSaveModelToBuffer(booster_, R"({"format":"json"})", &length, &bytes) != 0) {
      return XgbError("save");
    }
    return std::string(bytes, length);
  }

  Status LoadJson(std::string_view json) {
    // Ours first: it says what is wrong with a file that is not a gbtree model.
    RTML_RETURN_IF_ERROR(trees_.Parse(json));
    objective_ = trees_.objective();
    num_class_ = trees_.classes();
    if (booster_ == nullptr && XGBoosterCreate(nullptr, 0, &booster_) != 0) {
      return XgbError("booster");
    }
    if (XGBoosterLoadModelFromBuffer(booster_, json.data(), json.size()) != 0) {
      return XgbError("load");
    }
    return Status::Ok();
  }

  std::vector<std::pair<std::string, double>> FeatureImportance() const override {
    bst_ulong count = 0, dims = 0;
    const char** names = nullptr;
    const bst_ulong* shape = nullptr;
    const float* scores = nullptr;
    std::vector<std::pair<std::string, double>> out;
    for (const std::string& f : features_) out.emplace_back(f, 0.0);
    if (XGBoosterFeatureScore(booster_, R"({"importance_type":"total_gain"})", &count, &names,
                              &dims, &shape, &scores) != 0) {
      return out;
    }
    for (bst_ulong i = 0; i < count; ++i) {
      // Unnamed features are "f<index>".
      const std::string name = names[i];
      if (name.size() > 1 && name[0] == 'f') {
        const size_t index = std::strtoul(name.c_str() + 1, nullptr, 10);
        if (index < out.size()) out[index].second = scores[i];
      }
    }
    return out;
  }

 private:
  static std::string Text(double value) {
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
  }

  const std::vector<std::string> features_;
  const std::map<std::string, double> params_;
  std::string objective_;  // from the spec, or the loaded JSON
  int num_class_;          // multi:softmax's classes
  BoosterHandle booster_ = nullptr;
  TreeEnsemble trees_;
};

}  // namespace

Result<std::unique_ptr<Model>> MakeXGBoostModel(const ModelSpec& spec) {
  if (spec.features.empty()) return Status::InvalidArgument("xgboost: declare its features");
  std::map<std::string, double> params;
  std::string accepted;
  for (const NumericParam& param : kNumeric) {
    params[param.name] = param.fallback;
    accepted += (accepted.empty() ? "" : ", ") + std::string(param.name);
  }
  int num_class = 0;
  for (const auto& [name, value] : spec.params) {
    if (name == "num_class") {
      if (!(value >= 2 && value <= kMaxClasses && value == std::floor(value))) {
        return Status::InvalidArgument("xgboost: num_class must be a whole number in [2, " +
                                       std::to_string(kMaxClasses) + "]");
      }
      num_class = static_cast<int>(value);
      continue;
    }
    const NumericParam* known = nullptr;
    for (const NumericParam& param : kNumeric) known = name == param.name ? &param : known;
    if (known == nullptr) {
      return Status::InvalidArgument("xgboost: unknown parameter '" + name +
                                     "' (accepted: " + accepted + ", num_class, objective)");
    }
    if (!(value >= known->min && value <= known->max)) {
      return Status::InvalidArgument("xgboost: " + name + " must be in [" +
                                     std::to_string(known->min) + ", " +
                                     std::to_string(known->max) + "]");
    }
    params[name] = value;
  }
  std::string objective = "reg:squarederror";
  for (const auto& [name, value] : spec.text_params) {
    if (name != "objective" || !kObjectives.contains(value)) {
      return Status::InvalidArgument("xgboost: '" + name + ": " + value +
                                     "' is not accepted (objective: " + kObjectiveList + ")");
    }
    objective = value;
  }
  if (objective == "multi:softmax" && num_class == 0) {
    return Status::InvalidArgument(
        "xgboost: 'objective: multi:softmax' is not accepted (objective: multi:softmax needs "
        "params num_class, the number of classes, 2 or more)");
  }
  if (num_class != 0 && objective != "multi:softmax") {
    return Status::InvalidArgument("xgboost: num_class is for objective multi:softmax only, not " +
                                   objective);
  }
  return std::unique_ptr<Model>(std::make_unique<XGBoostModel>(spec.features, std::move(params),
                                                               std::move(objective), num_class));
}

Result<double> XGBoostLibraryPredict(const Model& model, std::span<const double> row) {
  const auto* xgb = dynamic_cast<const XGBoostModel*>(&model);
  if (xgb == nullptr) return Status::InvalidArgument("not an xgboost model");
  return xgb->LibraryPredict(row);
}

Result<std::unique_ptr<Model>> ImportXGBoostJson(std::string_view json,
                                                 std::vector<std::string> features) {
  if (features.empty()) return Status::InvalidArgument("xgboost import: name the model's features");
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  simdjson::dom::array names;
  if (parser.parse(padded)["learner"]["feature_names"].get_array().get(names) ==
          simdjson::SUCCESS &&
      names.size() > 0) {
    std::vector<std::string> stored;
    for (simdjson::dom::element name : names) stored.emplace_back(name.get_string().value_unsafe());
    if (stored != features) {
      return Status::InvalidArgument(
          "xgboost import: the model was trained on other features than those given");
    }
  }
  std::map<std::string, double> params;
  for (const NumericParam& param : kNumeric) params[param.name] = param.fallback;
  // The objective and classes are the JSON's (LoadJson).
  auto model =
      std::make_unique<XGBoostModel>(std::move(features), std::move(params), "reg:squarederror", 0);
  RTML_RETURN_IF_ERROR(model->LoadJson(json));
  return std::unique_ptr<Model>(std::move(model));
}

Result<std::unique_ptr<Model>> LoadXGBoostModel(const ModelBytesReader& saved) {
  std::map<std::string, double> params;
  for (const NumericParam& param : kNumeric) {
    RTML_ASSIGN_OR_RETURN(params[param.name], saved.Number(param.name));
  }
  RTML_ASSIGN_OR_RETURN(std::string objective, saved.Text("objective"));
  RTML_ASSIGN_OR_RETURN(const std::string json, saved.Text("model_json"));
  auto model =
      std::make_unique<XGBoostModel>(saved.features(), std::move(params), std::move(objective), 0);
  RTML_RETURN_IF_ERROR(model->LoadJson(json));
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace rtml::ml
