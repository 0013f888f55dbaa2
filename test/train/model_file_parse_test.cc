// Malformed model files: each gives kInvalidArgument with
// "file:line:column: key '...': what was expected" (the exact position and
// key, a message substring), leaves the description unchanged and does not
// crash (these run under AddressSanitizer + UBSan too: keep them cheap).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "model_file_test_util.h"
#include "mote/model_file.h"

namespace mote {
namespace {

struct Malformed {
  const char* name;
  const char* text;
  const char* where;  // "line:column"
  const char* key;
  const char* message;  // a substring of what follows the key
};

const Malformed kMalformed[] = {
    {"UnknownLayerType",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"denze\"\n"
     "units = 3\n"
     "",
     "5:8", "layers[0].type", "unknown layer type \"denze\"; expected one of dense, conv2d"},
    {"UnknownLayerKey",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "unit = 4\n"
     "",
     "7:1", "layers[0].unit", "unknown key (known here: 'type', 'name'"},
    {"WrongValueType",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = \"three\"\n"
     "",
     "6:9", "layers[0].units", "expected an integer, got a string"},
    {"MissingRequiredKey",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"conv2d\"\n"
     "kernel = 3\n"
     "",
     "4:1", "layers[0].filters", "missing: the number of filters"},
    {"ShapesThatDoNotFit",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"conv2d\"\n"
     "name = \"conv\"\n"
     "filters = 2\n"
     "kernel = 3\n"
     "",
     "4:1", "layers[0]", "does not fit its input [4]: Conv2D: input must be rank 4"},
    {"KernelLargerThanImage",
     "[input]\n"
     "shape = [4, 4, 1]\n"
     "\n"
     "[[layers]]\n"
     "type = \"conv2d\"\n"
     "filters = 2\n"
     "kernel = 5\n"
     "\n"
     "[[layers]]\n"
     "type = \"flatten\"\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 2\n"
     "",
     "4:1", "layers[0]", "does not fit its input [4, 4, 1]: Conv2D: kernel larger than the padded input"},
    {"UnknownOptimizer",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "\n"
     "[optimizer]\n"
     "type = \"adamw\"\n"
     "",
     "9:8", "optimizer.type", "unknown value \"adamw\"; expected one of \"sgd\", \"momentum\""},
    {"UnknownLoss",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "\n"
     "[loss]\n"
     "type = \"hinge\"\n"
     "",
     "9:8", "loss.type", "unknown value \"hinge\""},
    {"UnknownSchedule",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "\n"
     "[schedule]\n"
     "type = \"cosine\"\n"
     "",
     "9:8", "schedule.type", "unknown value \"cosine\""},
    {"NegativeEpochs",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "\n"
     "[training]\n"
     "epochs = -3\n"
     "",
     "9:10", "training.epochs", "expected an integer >= 1"},
    {"ZeroBatchSize",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "\n"
     "[training]\n"
     "batch_size = 0\n"
     "",
     "9:14", "training.batch_size", "expected an integer >= 1"},
    {"DuplicateNodeNames",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "name = \"a\"\n"
     "units = 3\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "name = \"a\"\n"
     "units = 3\n"
     "",
     "11:8", "layers[1].name", "duplicate name \"a\" (first at line 4)"},
    {"Cycle",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "name = \"a\"\n"
     "units = 4\n"
     "inputs = [\"b\"]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "name = \"b\"\n"
     "units = 4\n"
     "inputs = [\"a\"]\n"
     "",
     "8:10", "layers[0].inputs", "the inputs form a cycle (through \"a\", \"b\")"},
    {"UnknownInputReference",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "inputs = [\"nowhere\"]\n"
     "",
     "7:11", "layers[0].inputs", "unknown node \"nowhere\""},
    {"NanLearningRate",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "\n"
     "[optimizer]\n"
     "learning_rate = nan\n"
     "",
     "9:17", "optimizer.learning_rate", "expected a finite number"},
    {"NegativeLearningRate",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "\n"
     "[optimizer]\n"
     "learning_rate = -0.1\n"
     "",
     "9:17", "optimizer.learning_rate", "expected a number > 0"},
    {"DropoutProbabilityOutOfRange",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dropout\"\n"
     "keep_probability = 1.5\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 2\n"
     "",
     "6:20", "layers[0].keep_probability", "expected a number in (0, 1]"},
    {"AddWithOneInput",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"add\"\n"
     "inputs = [\"input\"]\n"
     "",
     "6:10", "layers[0].inputs", "a layer of type add takes 2 input(s), got 1"},
    {"AddOfDifferentShapes",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "name = \"a\"\n"
     "units = 3\n"
     "\n"
     "[[layers]]\n"
     "type = \"add\"\n"
     "inputs = [\"a\", \"input\"]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 2\n"
     "",
     "9:1", "layers[1]", "does not fit its input [3] and [4]: Add:"},
    {"MissingInput",
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "",
     "1:1", "input", "missing: the input"},
    {"MissingLayers",
     "[input]\n"
     "shape = [4]\n"
     "",
     "1:1", "layers", "missing: the layers"},
    {"UnknownTopLevelKey",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "\n"
     "[trainig]\n"
     "epochs = 3\n"
     "",
     "8:2", "trainig", "unknown key"},
    {"LossDoesNotFitOutput",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 1\n"
     "",
     "1:1", "loss", "does not fit output [1]"},
    {"UnknownTiedLayer",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "tied_to = \"ghost\"\n"
     "",
     "7:11", "layers[0].tied_to", "expected the name of another layer"},
    {"LabelSmoothingOnMse",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "\n"
     "[loss]\n"
     "type = \"mean_squared_error\"\n"
     "label_smoothing = 0.1\n"
     "",
     "10:19", "loss.label_smoothing", "only for softmax_cross_entropy"},
    {"AugmentOnVectors",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "\n"
     "[[augment]]\n"
     "type = \"translate\"\n"
     "max_shift = 2\n"
     "",
     "8:1", "augment[0]", "does not fit the input"},
    {"BadInputShape",
     "[input]\n"
     "shape = [0, 4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "",
     "2:10", "input.shape", "expected an array of 1 to 3 integers >= 1"},
    {"UnknownPadding",
     "[input]\n"
     "shape = [6, 6, 1]\n"
     "\n"
     "[[layers]]\n"
     "type = \"conv2d\"\n"
     "filters = 2\n"
     "kernel = 3\n"
     "padding = \"full\"\n"
     "",
     "8:11", "layers[0].padding", "unknown value \"full\"; expected one of \"valid\", \"same\", \"explicit\""},
    {"ValidationSplitOfOne",
     "[input]\n"
     "shape = [4]\n"
     "\n"
     "[[layers]]\n"
     "type = \"dense\"\n"
     "units = 3\n"
     "\n"
     "[training]\n"
     "validation_split = 1.0\n"
     "",
     "9:20", "training.validation_split", "expected a number in [0, 1)"},
};

TEST(ModelFileErrors, EachNamesFileLineColumnKeyAndWhatWasExpected) {
  ModelDescription good;
  ASSERT_TRUE(Parses("[input]\nshape = [4]\n[[layers]]\ntype = \"dense\"\nunits = 3\n", &good));
  const std::string text_before = good.text();
  for (const Malformed& m : kMalformed) {
    SCOPED_TRACE(m.name);
    const Status s = ParseModelDescription(m.text, "bad.toml", &good);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    const std::string prefix = std::string("bad.toml:") + m.where + ": key '" + m.key + "': ";
    EXPECT_EQ(std::string(s.message()).substr(0, prefix.size()), prefix) << s.message();
    EXPECT_NE(std::strstr(s.message(), m.message), nullptr) << s.message();
    EXPECT_EQ(good.text(), text_before);  // unchanged on error
  }
}

TEST(ModelFileErrors, TomlSyntaxErrorsNameTheirPosition) {
  ModelDescription d;
  const Status s = ParseModelDescription("[input]\nshape = [4\n\n[[layers]]\ntype = \"dense\"\n", "bad.toml", &d);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()).rfind("bad.toml:4:1: TOML syntax: ", 0), 0u) << s.message();
  EXPECT_TRUE(d.empty());
}

TEST(ModelFileErrors, MissingFileIsAnIoErrorAndAnEmptyDescriptionBuildsNothing) {
  ModelDescription d;
  EXPECT_EQ(LoadModelFile(::testing::TempDir() + "no-such-model.toml", &d).code(), StatusCode::kIoError);
  Model m;
  EXPECT_EQ(BuildModel(d, &m).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(Parses("[input]\nshape = [4]\n[[layers]]\ntype = \"dense\"\nunits = 3\n", &d));
  ASSERT_TRUE(BuildModel(d, &m).ok());
  EXPECT_EQ(BuildModel(d, &m).code(), StatusCode::kInvalidArgument);  // not empty any more
}

}  // namespace
}  // namespace mote
