-- credit-gate: every path of a charge, reservation, capture and release as one function call: one statement and one
-- round trip, whatever the outcome. Each runs in the caller's transaction (one per call, in autocommit), locks before
-- it reads, and answers with an outcome code and the facts behind it; the store turns them into results.
--
-- They rely on READ COMMITTED (PostgreSQL's default): every statement after a row lock takes a fresh snapshot that
-- sees what committed before the lock. Under another isolation level the paths that lock raise SQLSTATE CG001, and
-- the store runs the call again inside a transaction that sets READ COMMITTED itself.
--
-- Placeholders (Flyway syntax: credit-gate's migrate() fills them with quoted, validated names):
--   ${accounts} ${account_id} ${balance}  the balance table and its id and balance columns
--   ${account_value}                      p_account as the id column's type, e.g. p_account or CAST(p_account AS uuid)
--   ${owns_accounts}                      true for credit-gate's own accounts table (it has holds_until, updated_at)
--   ${touch}                              ", updated_at = now()" for credit-gate's own table, else nothing
--   ${ledger} ${holds}                    the ledger and holds tables
--   ${charge_function} ${charge_batch_function} ${reserve_function} ${capture_function} ${release_function}

-- Outcome codes of a charge: CHARGED (o_entry, o_balance), KEY_USED (the ledger entry that has the key: o_entry,
-- o_balance, o_kind, o_amount, o_reference), KEY_HELD (a live reservation has the key), INSUFFICIENT (o_available,
-- o_observed_at), NOT_FOUND, HIDDEN_FROM_UPDATE (visible to SELECT, not updatable: a row-level security policy).
CREATE OR REPLACE FUNCTION ${charge_function}(p_account text, p_cost bigint, p_action text, p_key text,
        OUT o_outcome text, OUT o_entry bigint, OUT o_balance bigint, OUT o_available bigint,
        OUT o_observed_at timestamptz, OUT o_kind text, OUT o_amount bigint, OUT o_reference text)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_debited boolean := false;
    v_locked bigint;
    v_held bigint;
    v_key_held boolean;
BEGIN
    -- One statement while no hold of the account is in force: PostgreSQL re-checks the condition on the newest row
    -- version after waiting for its lock, so concurrent charges never overdraw.
    IF ${owns_accounts} THEN
        UPDATE ${accounts} SET ${balance} = ${balance} - p_cost${touch}
        WHERE ${account_id} = ${account_value} AND ${balance} >= p_cost
          AND (holds_until IS NULL OR holds_until <= now())
        RETURNING ${balance} INTO o_balance;
        v_debited := FOUND;
    END IF;
    IF NOT v_debited THEN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            RAISE EXCEPTION 'credit-gate needs READ COMMITTED to decide under a lock' USING ERRCODE = 'CG001';
        END IF;
        SELECT ${balance} INTO v_locked FROM ${accounts} WHERE ${account_id} = ${account_value} FOR UPDATE;
        IF NOT FOUND THEN
            PERFORM FROM ${accounts} WHERE ${account_id} = ${account_value};
            o_outcome := CASE WHEN FOUND THEN 'HIDDEN_FROM_UPDATE' ELSE 'NOT_FOUND' END;
            RETURN;
        END IF;
        -- A new statement, so a new snapshot: it sees every hold placed before the lock was granted.
        SELECT COALESCE(sum(amount), 0), COALESCE(bool_or(idempotency_key = p_key), false) INTO v_held, v_key_held
        FROM ${holds} WHERE account_id = p_account AND state = 'HELD' AND expires_at > clock_timestamp();
        IF v_key_held THEN
            o_outcome := 'KEY_HELD';
            RETURN;
        END IF;
        IF v_locked - v_held < p_cost THEN
            -- A charge that took the last credits still replays its key.
            SELECT 'KEY_USED', id, balance_after, kind, amount, reference
            INTO o_outcome, o_entry, o_balance, o_kind, o_amount, o_reference
            FROM ${ledger} WHERE account_id = p_account AND idempotency_key = p_key;
            IF NOT FOUND THEN
                o_outcome := 'INSUFFICIENT';
                o_available := v_locked - v_held;
                o_observed_at := clock_timestamp();
            END IF;
            RETURN;
        END IF;
        UPDATE ${accounts} SET ${balance} = ${balance} - p_cost${touch}
        WHERE ${account_id} = ${account_value} AND ${balance} >= p_cost
        RETURNING ${balance} INTO o_balance;
        IF NOT FOUND THEN
            o_outcome := 'HIDDEN_FROM_UPDATE';
            RETURN;
        END IF;
    END IF;
    INSERT INTO ${ledger} (account_id, kind, amount, balance_after, reference, idempotency_key)
    VALUES (p_account, 'CHARGE', -p_cost, o_balance, p_action, p_key)
    ON CONFLICT (account_id, idempotency_key) DO NOTHING
    RETURNING id INTO o_entry;
    IF FOUND THEN
        o_outcome := 'CHARGED';
        RETURN;
    END IF;
    -- The key was taken: give the debit back in this same transaction and answer as the key says.
    UPDATE ${accounts} SET ${balance} = ${balance} + p_cost WHERE ${account_id} = ${account_value};
    SELECT 'KEY_USED', id, balance_after, kind, amount, reference
    INTO o_outcome, o_entry, o_balance, o_kind, o_amount, o_reference
    FROM ${ledger} WHERE account_id = p_account AND idempotency_key = p_key;
END
$fn$;

-- Many charges in one transaction, each decided exactly as a single charge, in the order given for each account.
-- Accounts are locked in one global order (their ids in byte order), so concurrent batches never deadlock.
CREATE OR REPLACE FUNCTION ${charge_batch_function}(p_accounts text[], p_costs bigint[], p_actions text[],
        p_keys text[])
RETURNS TABLE (o_index integer, o_outcome text, o_entry bigint, o_balance bigint, o_available bigint,
        o_observed_at timestamptz, o_kind text, o_amount bigint, o_reference text)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_index integer;
BEGIN
    FOR v_index IN
        SELECT i FROM generate_subscripts(p_accounts, 1) AS i ORDER BY p_accounts[i] COLLATE "C", i
    LOOP
        o_index := v_index;
        SELECT c.o_outcome, c.o_entry, c.o_balance, c.o_available, c.o_observed_at, c.o_kind, c.o_amount,
               c.o_reference
        INTO o_outcome, o_entry, o_balance, o_available, o_observed_at, o_kind, o_amount, o_reference
        FROM ${charge_function}(p_accounts[v_index], p_costs[v_index], p_actions[v_index], p_keys[v_index]) c;
        RETURN NEXT;
    END LOOP;
END
$fn$;

-- Outcome codes of a reservation: RESERVED (o_hold, o_expires_at, o_available = available after it),
-- HOLD_EXISTS (the key's reservation that is held or captured: o_hold, o_expires_at, o_available = its available
-- after, o_amount, o_action, o_state), KEY_USED (a ledger entry has the key: o_entry, o_kind, o_amount, o_reference),
-- INSUFFICIENT (o_available, o_observed_at), NOT_FOUND, HIDDEN_FROM_UPDATE.
CREATE OR REPLACE FUNCTION ${reserve_function}(p_account text, p_amount bigint, p_action text, p_key text,
        p_ttl_millis bigint,
        OUT o_outcome text, OUT o_hold bigint, OUT o_expires_at timestamptz, OUT o_available bigint,
        OUT o_observed_at timestamptz, OUT o_amount bigint, OUT o_action text, OUT o_state text,
        OUT o_entry bigint, OUT o_kind text, OUT o_reference text)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_locked bigint;
    v_held bigint;
    v_earlier ${holds}%ROWTYPE;
    v_superseding boolean := false;
    v_now timestamptz;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'credit-gate needs READ COMMITTED to decide under a lock' USING ERRCODE = 'CG001';
    END IF;
    SELECT ${balance} INTO v_locked FROM ${accounts} WHERE ${account_id} = ${account_value} FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM FROM ${accounts} WHERE ${account_id} = ${account_value};
        o_outcome := CASE WHEN FOUND THEN 'HIDDEN_FROM_UPDATE' ELSE 'NOT_FOUND' END;
        RETURN;
    END IF;
    SELECT * INTO v_earlier FROM ${holds}
    WHERE account_id = p_account AND idempotency_key = p_key AND state <> 'RELEASED';
    IF FOUND THEN
        IF v_earlier.state = 'HELD' AND v_earlier.expires_at <= clock_timestamp() THEN
            v_superseding := true;
        ELSE
            o_outcome := 'HOLD_EXISTS';
            o_hold := v_earlier.id;
            o_expires_at := v_earlier.expires_at;
            o_available := v_earlier.available_after;
            o_amount := v_earlier.amount;
            o_action := v_earlier.action;
            o_state := v_earlier.state;
            RETURN;
        END IF;
    END IF;
    SELECT 'KEY_USED', id, kind, amount, reference INTO o_outcome, o_entry, o_kind, o_amount, o_reference
    FROM ${ledger} WHERE account_id = p_account AND idempotency_key = p_key;
    IF FOUND THEN
        RETURN;
    END IF;
    SELECT COALESCE(sum(amount), 0) INTO v_held
    FROM ${holds} WHERE account_id = p_account AND state = 'HELD' AND expires_at > clock_timestamp();
    IF v_locked - v_held < p_amount THEN
        o_outcome := 'INSUFFICIENT';
        o_available := v_locked - v_held;
        o_observed_at := clock_timestamp();
        RETURN;
    END IF;
    -- Times that rows store are read once, here: a statement that writes them then carries a value, not a volatile
    -- function (which Citus would have to evaluate apart from the shard that stores the row).
    v_now := clock_timestamp();
    IF v_superseding THEN
        -- The key holds again: the expired reservation must never be captured after the new one.
        UPDATE ${holds} SET state = 'RELEASED', settled_at = v_now
        WHERE account_id = p_account AND id = v_earlier.id;
    END IF;
    INSERT INTO ${holds} (account_id, action, amount, available_after, idempotency_key, expires_at)
    VALUES (p_account, p_action, p_amount, v_locked - v_held - p_amount, p_key,
            v_now + p_ttl_millis * interval '1 millisecond')
    RETURNING id, expires_at, available_after INTO o_hold, o_expires_at, o_available;
    IF ${owns_accounts} THEN
        UPDATE ${accounts} SET holds_until = GREATEST(holds_until, o_expires_at)
        WHERE ${account_id} = ${account_value};
    END IF;
    o_outcome := 'RESERVED';
END
$fn$;

-- Outcome codes of a capture: CAPTURED (o_entry, o_balance, o_action, o_key), REPLAYED (its earlier capture:
-- o_entry, o_balance, o_amount, o_action, o_key), RELEASED, TOO_MUCH (o_amount = what is held), EXPIRED
-- (o_available), KEY_USED (o_entry, o_kind, o_amount, o_reference), NOT_FOUND, HIDDEN_FROM_UPDATE.
CREATE OR REPLACE FUNCTION ${capture_function}(p_account text, p_hold bigint, p_amount bigint,
        OUT o_outcome text, OUT o_entry bigint, OUT o_balance bigint, OUT o_amount bigint, OUT o_action text,
        OUT o_key text, OUT o_available bigint, OUT o_kind text, OUT o_reference text)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_hold ${holds}%ROWTYPE;
    v_locked bigint;
    v_held bigint;
    v_now timestamptz;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'credit-gate needs READ COMMITTED to decide under a lock' USING ERRCODE = 'CG001';
    END IF;
    -- The one lock order of every path: the hold, then its account.
    SELECT * INTO v_hold FROM ${holds} WHERE account_id = p_account AND id = p_hold FOR UPDATE;
    IF NOT FOUND THEN
        o_outcome := 'NOT_FOUND';
        RETURN;
    END IF;
    IF v_hold.state = 'CAPTURED' THEN
        SELECT 'REPLAYED', id, balance_after, -amount, reference, idempotency_key
        INTO o_outcome, o_entry, o_balance, o_amount, o_action, o_key
        FROM ${ledger} WHERE account_id = p_account AND id = v_hold.capture_entry;
        RETURN;
    END IF;
    IF v_hold.state = 'RELEASED' THEN
        o_outcome := 'RELEASED';
        RETURN;
    END IF;
    IF p_amount > v_hold.amount THEN
        o_outcome := 'TOO_MUCH';
        o_amount := v_hold.amount;
        RETURN;
    END IF;
    SELECT ${balance} INTO v_locked FROM ${accounts} WHERE ${account_id} = ${account_value} FOR UPDATE;
    IF NOT FOUND THEN
        o_outcome := 'HIDDEN_FROM_UPDATE';
        RETURN;
    END IF;
    -- Judged under the account's lock, at the moment the debit becomes possible.
    IF v_hold.expires_at <= clock_timestamp() THEN
        -- A late capture holds nothing any more: a conditional debit, like a charge.
        SELECT COALESCE(sum(amount), 0) INTO v_held
        FROM ${holds} WHERE account_id = p_account AND state = 'HELD' AND expires_at > clock_timestamp();
        IF v_locked - v_held < p_amount THEN
            o_outcome := 'EXPIRED';
            o_available := v_locked - v_held;
            RETURN;
        END IF;
    END IF;
    SELECT 'KEY_USED', id, kind, amount, reference INTO o_outcome, o_entry, o_kind, o_amount, o_reference
    FROM ${ledger} WHERE account_id = p_account AND idempotency_key = v_hold.idempotency_key;
    IF FOUND THEN
        RETURN;
    END IF;
    UPDATE ${accounts} SET ${balance} = ${balance} - p_amount${touch}
    WHERE ${account_id} = ${account_value} AND ${balance} >= p_amount
    RETURNING ${balance} INTO o_balance;
    IF NOT FOUND THEN
        o_outcome := 'HIDDEN_FROM_UPDATE';
        RETURN;
    END IF;
    INSERT INTO ${ledger} (account_id, kind, amount, balance_after, reference, idempotency_key)
    VALUES (p_account, 'CHARGE', -p_amount, o_balance, v_hold.action, v_hold.idempotency_key)
    RETURNING id INTO o_entry;
    v_now := clock_timestamp();
    UPDATE ${holds} SET state = 'CAPTURED', capture_entry = o_entry, settled_at = v_now
    WHERE account_id = p_account AND id = p_hold;
    IF ${owns_accounts} THEN
        UPDATE ${accounts} SET holds_until = (
            SELECT max(expires_at) FROM ${holds}
            WHERE account_id = p_account AND state = 'HELD' AND expires_at > v_now)
        WHERE ${account_id} = ${account_value};
    END IF;
    o_outcome := 'CAPTURED';
    o_amount := p_amount;
    o_action := v_hold.action;
    o_key := v_hold.idempotency_key;
END
$fn$;

-- Outcome codes of a release: RELEASED (o_amount, o_freed), REPLAYED (o_amount, o_freed of the first release),
-- CAPTURED, NOT_FOUND, HIDDEN_FROM_UPDATE.
CREATE OR REPLACE FUNCTION ${release_function}(p_account text, p_hold bigint,
        OUT o_outcome text, OUT o_amount bigint, OUT o_freed bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_hold ${holds}%ROWTYPE;
    v_now timestamptz;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'credit-gate needs READ COMMITTED to decide under a lock' USING ERRCODE = 'CG001';
    END IF;
    SELECT * INTO v_hold FROM ${holds} WHERE account_id = p_account AND id = p_hold FOR UPDATE;
    IF NOT FOUND THEN
        o_outcome := 'NOT_FOUND';
        RETURN;
    END IF;
    o_amount := v_hold.amount;
    IF v_hold.state = 'RELEASED' THEN
        o_outcome := 'REPLAYED';
        o_freed := CASE WHEN v_hold.settled_at >= v_hold.expires_at THEN 0 ELSE v_hold.amount END;
        RETURN;
    END IF;
    IF v_hold.state = 'CAPTURED' THEN
        o_outcome := 'CAPTURED';
        RETURN;
    END IF;
    PERFORM FROM ${accounts} WHERE ${account_id} = ${account_value} FOR UPDATE;
    IF NOT FOUND THEN
        o_outcome := 'HIDDEN_FROM_UPDATE';
        RETURN;
    END IF;
    v_now := clock_timestamp();
    UPDATE ${holds} SET state = 'RELEASED', settled_at = v_now
    WHERE account_id = p_account AND id = p_hold
    RETURNING CASE WHEN settled_at >= expires_at THEN 0 ELSE amount END INTO o_freed;
    IF ${owns_accounts} THEN
        UPDATE ${accounts} SET holds_until = (
            SELECT max(expires_at) FROM ${holds}
            WHERE account_id = p_account AND state = 'HELD' AND expires_at > v_now)
        WHERE ${account_id} = ${account_value};
    END IF;
    o_outcome := 'RELEASED';
END
$fn$;
