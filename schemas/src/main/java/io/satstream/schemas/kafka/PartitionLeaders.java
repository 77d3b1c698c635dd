package io.satstream.schemas.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Waits until just-created partitions are served by their leaders. A created topic is in the metadata before its
 * leader has taken its partitions over; a producer writing in that gap gets NOT_LEADER_OR_FOLLOWER, and an idempotent
 * producer whose first batch was retried behind a later one has been seen to wait out its delivery timeout (CI,
 * 2026-12-04). Listing offsets is answered by the leader itself; until it can, the broker answers
 * UNKNOWN_TOPIC_OR_PARTITION or NOT_LEADER_OR_FOLLOWER, which the admin client does not always retry, so this does.
 */
public final class PartitionLeaders {

    private static final long BACKOFF_MILLIS = 50;

    private PartitionLeaders() {
    }

    /** Returns once every one of {@code partitions} answers a ListOffsets from its leader; throws after {@code timeout}. */
    public static void await(Admin admin, Collection<TopicPartition> partitions, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            try {
                admin.listOffsets(latest).all().get(Math.max(1, left), TimeUnit.NANOSECONDS);
                return;
            } catch (ExecutionException e) {
                boolean notYet = e.getCause() instanceof UnknownTopicOrPartitionException
                        || e.getCause() instanceof NotLeaderOrFollowerException
                        || e.getCause() instanceof LeaderNotAvailableException;
                if (!notYet || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BACKOFF_MILLIS) > deadline) {
                    throw e;
                }
                Thread.sleep(BACKOFF_MILLIS);
            }
        }
    }
}
