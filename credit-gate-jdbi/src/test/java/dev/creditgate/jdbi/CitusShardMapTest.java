package dev.creditgate.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.test.PostgresTestDatabase;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The batcher's map of shards against the cluster's own routing: every account's shard, every lane's node. */
@Tag(Citus.TAG)
class CitusShardMapTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static HikariDataSource pool;
    private static Jdbi jdbi;
    private static final List<String> ACCOUNTS = IntStream.range(0, 2_000).mapToObj(i -> "acct-" + i).toList();

    @BeforeAll
    static void migrate() {
        pool = Citus.singleShardPool(db, "creditgate-citus-shards", 2);
        jdbi = Jdbi.create(pool);
        JdbiBalanceStore.create(jdbi).migrate();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @Test
    void everyAccountIsMappedToTheShardCitusRoutesItTo() {
        CitusShards shards = jdbi.withHandle(h -> CitusShards.load(h, "credit_accounts", 4)).orElseThrow();
        List<Long> shardIds = jdbi.withHandle(h -> h.createQuery("SELECT shardid FROM pg_dist_shard "
                + "WHERE logicalrelid = CAST('credit_accounts' AS regclass) ORDER BY CAST(shardminvalue AS integer)")
                .mapTo(Long.class).list());
        Map<String, Long> routed = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT a, get_shard_id_for_distribution_column('credit_accounts', a) "
                        + "FROM unnest(:accounts) a")
                .bindArray("accounts", String.class, ACCOUNTS)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> routed.put(e.getKey(), e.getValue())));

        Map<String, Long> mapped = new HashMap<>();
        ACCOUNTS.forEach(a -> mapped.put(a, shardIds.get(shards.shardIndex(a))));

        assertThat(shardIds).hasSizeGreaterThan(1);
        assertThat(mapped).isEqualTo(routed);
    }

    @Test
    void eachLaneServesTheShardsOfOneNode() {
        CitusShards shards = jdbi.withHandle(h -> CitusShards.load(h, "credit_accounts", 4)).orElseThrow();
        Map<String, Integer> nodeOf = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT a, p.groupid FROM unnest(:accounts) a "
                        + "JOIN pg_dist_placement p ON p.shardid = get_shard_id_for_distribution_column("
                        + "'credit_accounts', a)")
                .bindArray("accounts", String.class, ACCOUNTS)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                .forEach(e -> nodeOf.put(e.getKey(), e.getValue())));
        Map<Integer, Set<Integer>> nodesOfLane = new HashMap<>();
        ACCOUNTS.forEach(a -> nodesOfLane.computeIfAbsent(shards.lane(a), l -> new HashSet<>()).add(nodeOf.get(a)));

        assertThat(nodesOfLane).containsOnlyKeys(0, 1, 2, 3);
        assertThat(nodesOfLane.values()).allSatisfy(nodes -> assertThat(nodes).hasSize(1));
        assertThat(new HashSet<>(nodeOf.values())).hasSize(2);
    }
}
