// rtml features list|describe|get|export|verify|serve: the feature store from the command
// line (the subcommands of `rtml features`, beside `compute`).
#pragma once

#include "command.h"

namespace rtml::cli {

const Command& FeaturesListCommand();
const Command& FeaturesDescribeCommand();
const Command& FeaturesGetCommand();
const Command& FeaturesExportCommand();
const Command& FeaturesVerifyCommand();
const Command& FeaturesServeCommand();

}  // namespace rtml::cli
