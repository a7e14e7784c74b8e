// Internal: indicators save their state with core's StateWriter / StateReader.
#pragma once

#include "rtml/core/state_bytes.h"

namespace rtml::process::indicators {

using rtml::StateReader;
using rtml::StateWriter;

}  // namespace rtml::process::indicators
