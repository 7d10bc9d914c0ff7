package dev.creditgate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The action tag never has more values than its bound, however many threads race for the last ones. */
class ActionTagsTest {

    @Test
    void racingThreadsAdmitExactlyTheBoundAndAgreeOnEachActionsValue() throws Exception {
        ActionTags tags = new ActionTags(10, Set.of());
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        Set<String> values = ConcurrentHashMap.newKeySet();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 1_000; i++) {
                    values.add(tags.of(Optional.of("action-" + i)));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get();
        }
        pool.shutdown();

        assertThat(tags.admittedCount()).isEqualTo(10);
        assertThat(values).hasSize(11).contains(ActionTags.OTHER);
        for (String value : values) {
            if (!value.equals(ActionTags.OTHER)) {
                assertThat(tags.of(Optional.of(value))).isEqualTo(value);
            }
        }
    }

    @Test
    void anActionOutsideTheAllowedSetTakesNoSlot() {
        ActionTags tags = new ActionTags(1, Set.of("export"));

        assertThat(tags.of(Optional.of("render"))).isEqualTo("other");
        assertThat(tags.of(Optional.of("export"))).isEqualTo("export");
        assertThat(tags.of(Optional.empty())).isEqualTo("unknown");
        assertThat(tags.admittedCount()).isEqualTo(1);
    }
}
