package io.veltrix.stack;

/** A database role and its password. */
public record DbLogin(String user, String password) {

    public DbLogin {
        password = password == null ? "" : password;
    }

    @Override
    public String toString() {
        return "DbLogin[user=" + user + "]";
    }
}
