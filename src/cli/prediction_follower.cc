#include "prediction_follower.h"

#include <cstdio>
#include <memory>
#include <vector>

#include "ensure_topic.h"

namespace rtml::cli {

Status FollowPredictions(stream::Broker& broker, const std::string& predictions_topic,
                         const std::string& evaluation_topic, serve::PredictionBoard& board,
                         const std::function<bool()>& stopped) {
  std::vector<stream::TopicPartition> partitions;
  for (const std::string& topic : {predictions_topic, evaluation_topic}) {
    RTML_RETURN_IF_ERROR(EnsureTopic(broker, topic, 1));
    RTML_ASSIGN_OR_RETURN(const stream::TopicDescription described, broker.DescribeTopic(topic));
    for (const auto& partition : described.partitions) {
      partitions.push_back({topic, partition.partition});
    }
  }
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<stream::Consumer> consumer, broker.NewConsumer());
  RTML_RETURN_IF_ERROR(consumer->Assign(partitions));
  int64_t unreadable = 0;
  while (!stopped()) {
    RTML_ASSIGN_OR_RETURN(const std::span<const stream::ConsumedRecord> records,
                          consumer->Poll(std::chrono::milliseconds(100)));
    for (const stream::ConsumedRecord& record : records) {
      const Status added = record.topic == predictions_topic ? board.AddPrediction(record.value)
                                                             : board.AddJudged(record.value);
      if (!added.ok() && unreadable++ == 0) {
        std::fprintf(stderr, "skipping records of %.*s that are not predictions: %s\n",
                     static_cast<int>(record.topic.size()), record.topic.data(),
                     added.message().c_str());
      }
    }
  }
  return Status::Ok();
}

}  // namespace rtml::cli
