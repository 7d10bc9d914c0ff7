package dev.creditgate.jdbi;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * A transaction or reservation id as the PostgreSQL store hands it out: the row's number and its account,
 * {@code <number>.<account id in unpadded base64url>}, such as {@code 42.dXNlci0x}.
 *
 * <p>Naming the account makes an id useless for any other account: a client that counts from its own ids reaches
 * only its own rows, and an account-checked refund compares the account before any I/O. It also lets every lookup
 * by id name the account, so that a sharded database routes it to one shard. The account id is encoded, not hidden.
 *
 * @param number the row's {@code id}
 * @param accountId the account the row belongs to
 */
record ScopedId(long number, String accountId) {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** The id's text. */
    String text() {
        return number + "." + ENCODER.encodeToString(accountId.getBytes(StandardCharsets.UTF_8));
    }

    static String of(long number, String accountId) {
        return new ScopedId(number, accountId).text();
    }

    /**
     * Reads an id this store issued; anything else, including another spelling of one, names nothing here.
     *
     * @return the row number and account, or empty for text this store never issues
     */
    static Optional<ScopedId> parse(String text) {
        int dot = text.indexOf('.');
        if (dot < 1) {
            return Optional.empty();
        }
        try {
            long number = Long.parseLong(text, 0, dot, 10);
            byte[] utf8 = DECODER.decode(text.substring(dot + 1));
            String accountId = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
            ScopedId id = new ScopedId(number, accountId);
            return number > 0 && !accountId.isEmpty() && id.text().equals(text) ? Optional.of(id) : Optional.empty();
        } catch (IllegalArgumentException | CharacterCodingException notOurs) {
            return Optional.empty();
        }
    }
}
