package dev.creditgate;

/** The states a reservation can be in. */
public enum ReservationState {
    /** Holding credits until its expiry. */
    HELD,
    /** Captured: some or all of its credits were debited, the rest freed. */
    CAPTURED,
    /** Released: its credits were freed without a debit. */
    RELEASED,
    /** Past its expiry without being captured or released: its credits are free. */
    EXPIRED
}
