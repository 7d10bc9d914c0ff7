package dev.creditgate.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditgate.test.PostgresTestDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shard map's hash against the server's own {@code hashtext()}, and how shards are dealt to lanes. */
class CitusShardsTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    @Test
    void theHashIsTheServersHashtextForEveryTailLengthAndForMultiByteText() {
        List<String> values = new ArrayList<>();
        StringBuilder growing = new StringBuilder();
        for (int length = 0; length <= 40; length++) {
            values.add(growing.toString());
            growing.append((char) ('a' + length % 26));
        }
        for (int i = 0; i < 500; i++) {
            values.add("acct-" + i);
            values.add("user-" + i * 7919 + "@example.com");
        }
        values.addAll(List.of("é", "crédit", "日本語のアカウント", "emoji-😀-id", "Ω≈ç√∫˜µ≤≥÷", "tab\there"));

        Map<String, Integer> server = new LinkedHashMap<>();
        Jdbi.create(db.dataSource()).useHandle(h -> h.createQuery("SELECT v, hashtext(v) FROM unnest(:values) v")
                .bindArray("values", String.class, values)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                .forEach(e -> server.put(e.getKey(), e.getValue())));
        Map<String, Integer> ours = new LinkedHashMap<>();
        values.forEach(v -> ours.put(v, CitusShards.hashText(v)));

        assertThat(server).hasSize(values.size());
        assertThat(ours).isEqualTo(server);
    }

    @Test
    void eachNodesShardsShareTheLanesDealtToThatNode() {
        // Four shards alternating between nodes 10 and 20, four lanes: node 10 gets lanes 0 and 2, node 20 1 and 3.
        assertThat(CitusShards.lanes(new int[] {10, 20, 10, 20, 10, 20, 10, 20}, 4))
                .containsExactly(0, 1, 2, 3, 0, 1, 2, 3);
        assertThat(CitusShards.lanes(new int[] {10, 10, 20, 20}, 2)).containsExactly(0, 0, 1, 1);
    }

    @Test
    void withFewerLanesThanNodesALaneServesSeveralNodes() {
        assertThat(CitusShards.lanes(new int[] {1, 2, 3, 1, 2, 3}, 2)).containsExactly(0, 1, 0, 0, 1, 0);
        assertThat(CitusShards.lanes(new int[] {1, 2, 3}, 1)).containsExactly(0, 0, 0);
    }
}
