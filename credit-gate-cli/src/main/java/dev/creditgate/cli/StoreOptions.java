package dev.creditgate.cli;

import dev.creditgate.CreditGate;
import dev.creditgate.jdbi.JdbiBalanceStore;
import dev.creditgate.jdbi.AccountIdType;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The PostgreSQL store a command works on: the database and the schema of credit-gate's tables. */
final class StoreOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Mixin
    Database database;

    @Option(names = "--schema", paramLabel = "SCHEMA",
            description = "schema of the credit-gate tables (default: the connection's current schema)")
    String schema;

    @Option(names = "--adopt", paramLabel = "TABLE:ID:BALANCE[:TYPE]",
            description = "an existing balance table instead of credit_accounts, e.g. user_credits:user_id:credits "
                    + "or user_credits:user_id:credits:uuid (TYPE text, uuid or bigint; default text)")
    String adopt;

    /** The store. Does no I/O: the first store call connects. */
    JdbiBalanceStore store() {
        JdbiBalanceStore.Builder builder = Stores.postgres(database.dataSource(), Optional.ofNullable(schema));
        if (adopt != null) {
            String[] parts = adopt.split(":", -1);
            if (parts.length < 3 || parts.length > 4) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--adopt must be TABLE:ID:BALANCE or TABLE:ID:BALANCE:TYPE, got '" + adopt + "'");
            }
            AccountIdType type;
            try {
                type = parts.length == 4 ? AccountIdType.valueOf(parts[3].toUpperCase(Locale.ROOT)) : AccountIdType.TEXT;
                builder.adoptAccountTable(parts[0], parts[1], parts[2], type);
            } catch (IllegalArgumentException bad) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--adopt: " + bad.getMessage());
            }
        }
        return builder.build();
    }

    /** A gate on {@link #store()} with the default retry policy. */
    CreditGate gate() {
        return CreditGate.builder().store(store()).build();
    }
}
