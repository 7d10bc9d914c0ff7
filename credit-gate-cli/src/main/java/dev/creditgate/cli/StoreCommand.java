package dev.creditgate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A command that works on a PostgreSQL store and prints its result as a table or as JSON. */
abstract class StoreCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Mixin
    OutputOptions output;
}
