namespace ActorFlow.Avro.Registry;

/// <summary>INTERNAL API. An error the registry answers with, in Confluent's body <c>{"error_code": …, "message": …}</c>.</summary>
internal sealed class RegistryError(int status, int errorCode, string message) : Exception(message)
{
    public int Status => status;

    public int ErrorCode => errorCode;

    public static RegistryError SubjectNotFound(string subject) => new(404, 40401, $"Subject '{subject}' not found.");

    public static RegistryError VersionNotFound(string subject, int version) => new(404, 40402, $"Version {version} not found.");

    public static RegistryError SchemaNotFound(string detail) => new(404, 40403, detail);

    public static RegistryError SubjectNotSoftDeleted(string subject) =>
        new(404, 40405, $"Subject '{subject}' was not deleted first before being permanently deleted");

    public static RegistryError VersionSoftDeleted(string subject, string version) =>
        new(404, 40406, $"Subject '{subject}' Version {version} was soft deleted.Set permanent=true to delete permanently");

    public static RegistryError VersionNotSoftDeleted(string subject, int version) =>
        new(404, 40407, $"Subject '{subject}' Version {version} was not deleted first before being permanently deleted");

    public static RegistryError SubjectConfigNotFound(string subject) =>
        new(404, 40408, $"Subject '{subject}' does not have subject-level compatibility configured");

    public static RegistryError Incompatible(string message) => new(409, 409, message);

    public static RegistryError InvalidSchema(string message) => new(422, 42201, message);

    public static RegistryError InvalidVersion(string version) =>
        new(422, 42202, $"The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");

    public static RegistryError InvalidCompatibility(string level) =>
        new(422, 42203, $"Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive (got '{level}')");
}
