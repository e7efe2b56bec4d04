"Send processing (SPEC S): send state, delivery, exchanges, nightly job."
