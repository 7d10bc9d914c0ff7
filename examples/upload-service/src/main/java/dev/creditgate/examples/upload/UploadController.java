package dev.creditgate.examples.upload;

import dev.creditgate.AccountNotFound;
import dev.creditgate.AccountNotFoundException;
import dev.creditgate.AccountSnapshot;
import dev.creditgate.CreditGate;
import dev.creditgate.DebugContext;
import dev.creditgate.LedgerEntry;
import dev.creditgate.spring.boot.ChargeCredits;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * The upload API. Every credit outcome is answered by the starter's problem handler: 402 only when the database saw
 * too few credits in the step that would have debited them; 404 for an account it cannot see; 503 when it could not
 * tell.
 */
@RestController
@RequestMapping("/api")
class UploadController {

    /** How many ledger entries {@code GET /api/credits} shows. */
    private static final int RECENT = 10;

    private final Uploads uploads;
    private final CreditGate gate;

    UploadController(Uploads uploads, CreditGate gate) {
        this.uploads = uploads;
        this.gate = gate;
    }

    /**
     * Stores a file for 2 credits. Re-sending it with the same {@code Idempotency-Key} stores and charges it once,
     * and answers with the same upload.
     */
    @PostMapping("/upload")
    @ChargeCredits(cost = 2, action = "audio.upload", rerunWhenPaid = true)
    public Upload upload(Principal user, @RequestParam("file") MultipartFile file,
            @RequestParam("section") String section,
            @RequestHeader(name = "Idempotency-Key", required = false) Optional<String> idempotencyKey)
            throws IOException {
        return uploads.store(user.getName(), section, filename(file), file.getSize(), sha256(file), idempotencyKey);
    }

    /**
     * Queues a transcription of one of the caller's uploads for 5 credits. A re-sent key that already paid is
     * answered 409 (the starter's default); a key already used for an upload is an idempotency conflict, also 409.
     */
    @PostMapping("/uploads/{id}/transcribe")
    @ChargeCredits(cost = 5, action = "audio.transcribe")
    public ResponseEntity<Transcription> transcribe(Principal user, @PathVariable("id") long id) {
        boolean exists = uploads.list(user.getName()).stream().anyMatch(upload -> upload.id() == id);
        // Throwing after the hold was placed releases it: a missing upload costs nothing.
        if (!exists) {
            throw new org.springframework.web.server.ResponseStatusException(
                    org.springframework.http.HttpStatus.NOT_FOUND, "no such upload");
        }
        return ResponseEntity.accepted().body(new Transcription(id, "queued"));
    }

    /**
     * What {@code POST /api/uploads/{id}/transcribe} answers.
     *
     * @param uploadId the upload to transcribe
     * @param status {@code queued}
     */
    record Transcription(long uploadId, String status) {
    }

    @GetMapping("/uploads")
    public List<Upload> list(Principal user) {
        return uploads.list(user.getName());
    }

    @DeleteMapping("/uploads/{id}")
    public ResponseEntity<Void> delete(Principal user, @PathVariable("id") long id) {
        return uploads.delete(user.getName(), id) ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    /** The caller's credits: available, posted and held, and the latest ledger entries. */
    @GetMapping("/credits")
    public Credits credits(Principal user) {
        // A missing or hidden account is answered as a charge would be: 404, never a balance of 0.
        AccountSnapshot account = gate.account(user.getName()).orElseThrow(() -> new AccountNotFoundException(
                new AccountNotFound(user.getName(), "credits.read",
                        DebugContext.observed("-", gate.store().describe(), Optional.empty()))));
        List<Credits.Entry> recent = gate.history(user.getName(), RECENT).stream().map(Credits.Entry::of).toList();
        return new Credits(account.available(), account.posted(), account.held(), recent);
    }

    /**
     * What {@code GET /api/credits} answers.
     *
     * @param available credits that can be spent now
     * @param posted the balance, holds not deducted
     * @param held credits held by uploads in progress
     * @param recent the latest ledger entries, newest first
     */
    record Credits(long available, long posted, long held, List<Entry> recent) {

        /**
         * One ledger entry.
         *
         * @param kind grant, charge or refund
         * @param amount the signed change
         * @param balanceAfter the balance after it
         * @param reference what it was for
         * @param at when
         */
        record Entry(String kind, long amount, long balanceAfter, String reference, java.time.Instant at) {
            static Entry of(LedgerEntry entry) {
                return new Entry(entry.kind().name(), entry.amount(), entry.balanceAfter(), entry.reference(),
                        entry.createdAt());
            }
        }
    }

    private static String filename(MultipartFile file) {
        String name = file.getOriginalFilename();
        return name == null || name.isBlank() ? "unnamed" : name;
    }

    private static String sha256(MultipartFile file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file.getBytes()));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JDK has SHA-256", impossible);
        }
    }
}
