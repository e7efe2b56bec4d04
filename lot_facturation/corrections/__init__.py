"Corrections (SPEC O, I): invoice operations, deposit, interest."
