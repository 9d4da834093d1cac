package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashesVerifyAndAreSalted() {
        String a = hasher.hash("s3cret password".toCharArray());
        String b = hasher.hash("s3cret password".toCharArray());
        assertThat(a).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(a).isNotEqualTo(b);
        assertThat(hasher.verify("s3cret password".toCharArray(), a)).isTrue();
        assertThat(hasher.verify("s3cret passworD".toCharArray(), a)).isFalse();
    }

    @Test
    void verifiesTheReferenceImplementationsArgon2idVector() {
        // From the Argon2 reference implementation's test suite (phc-winner-argon2, src/test.c).
        String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertThat(hasher.verify("password".toCharArray(), reference)).isTrue();
        assertThat(hasher.verify("passwore".toCharArray(), reference)).isFalse();
    }

    @Test
    void malformedOrHostileHashesNeverVerify() {
        assertThat(hasher.verify("x".toCharArray(), null)).isFalse();
        assertThat(hasher.verify("x".toCharArray(), "plain")).isFalse();
        assertThat(hasher.verify("x".toCharArray(), "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")).isFalse();
        assertThat(hasher.verify("x".toCharArray(), "$argon2id$v=19$m=9999999,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"))
                .as("memory cost above the cap").isFalse();
    }

    @Test
    void theUnmatchableHashCostsWhatARealOneCostsAndMatchesNothing() {
        PasswordHasher cheap = new PasswordHasher(64, 1, 1);
        String real = cheap.hash("s3cret".toCharArray());
        String unmatchable = cheap.unmatchable();
        // The same cost parameters and lengths: verify() derives with the same work against either.
        String shape = "\\$argon2id\\$v=19\\$m=64,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}";
        assertThat(real).matches(shape);
        assertThat(unmatchable).matches(shape).isNotEqualTo(cheap.unmatchable());
        for (String password : new String[] {"", "s3cret", "not a password", "x".repeat(100)}) {
            assertThat(cheap.verify(password.toCharArray(), unmatchable)).as(password).isFalse();
        }
        assertThat(hasher.unmatchable()).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    }

    @Test
    void refusesWeakParameters() {
        assertThatThrownBy(() -> new PasswordHasher(4, 1, 1)).hasMessageContaining("memory 4");
        assertThatThrownBy(() -> new PasswordHasher(19_456, 0, 1)).hasMessageContaining("iterations 0");
    }
}
