package dev.creditgate.test;

import dev.creditgate.BalanceStore;
import dev.creditgate.InMemoryBalanceStore;

/** The in-memory store passes the whole store contract. */
class InMemoryBalanceStoreContractTest extends BalanceStoreContract {

    private final InMemoryBalanceStore store = new InMemoryBalanceStore();

    @Override
    protected BalanceStore store() {
        return store;
    }
}
