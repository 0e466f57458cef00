namespace ActorFlow.Avro.Settings;

/// <summary>
/// HTTP basic credentials of a schema registry (Confluent's <c>basic.auth.user.info</c> with
/// <c>basic.auth.credentials.source = USER_INFO</c>). <see cref="ToString"/> masks the password, so settings that hold
/// them can be logged. Equal by user and password.
/// </summary>
public sealed record RegistryCredentials
{
    private RegistryCredentials(string user, string password)
    {
        User = user;
        Password = password;
    }

    /// <summary>Gets the user (e.g. a Confluent Cloud API key).</summary>
    public string User { get; }

    /// <summary>Gets the password (e.g. a Confluent Cloud API secret).</summary>
    public string Password { get; }

    /// <summary>Gets the credentials as Confluent's client takes them: <c>user:password</c>.</summary>
    public string UserInfo => User + ":" + Password;

    /// <summary>Credentials of <paramref name="user"/> and <paramref name="password"/>.</summary>
    /// <param name="user">The user: not empty, no colon (the separator of <c>user:password</c>).</param>
    /// <param name="password">The password (may hold colons).</param>
    /// <returns>The credentials.</returns>
    /// <exception cref="ArgumentException">The user is empty or holds a colon.</exception>
    public static RegistryCredentials Of(string user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        if (user.Length == 0 || user.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("The registry user must not be empty nor hold a colon (the separator of user:password).", nameof(user));
        }

        return new RegistryCredentials(user, password);
    }

    /// <summary>
    /// Parses <c>user:password</c> (split at the first colon, as Confluent's client does); null for an empty or blank
    /// value (no credentials).
    /// </summary>
    /// <param name="userInfo">The value of <c>actorflow.avro.registry.basic-auth-user-info</c>.</param>
    /// <returns>The credentials, or null.</returns>
    /// <exception cref="ArgumentException">The value is not empty and has no colon, or an empty user.</exception>
    public static RegistryCredentials? Parse(string? userInfo)
    {
        if (string.IsNullOrWhiteSpace(userInfo))
        {
            return null;
        }

        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new ArgumentException($"{AvroSettings.Path}.registry.basic-auth-user-info must be user:password (a non-empty user, a colon, the password); the value given has {(colon < 0 ? "no colon" : "an empty user")}.");
        }

        return new RegistryCredentials(userInfo[..colon], userInfo[(colon + 1)..]);
    }

    /// <summary>The user with the password masked.</summary>
    /// <returns><c>user:***</c>.</returns>
    public override string ToString() => User + ":***";
}
