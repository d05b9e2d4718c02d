/// The SQL helper functions translated queries call (`rqlkit-functions.sql`, in this folder): one
/// versioned script, installed once per database.
public enum SQLFunctions {
    /// The script.
    public static let script = String(decoding: PackageResources.rqlkit_functions_sql, as: UTF8.self)

    /// The version the script installs (`rqlkit.version()`); a database with another version gets
    /// the script again.
    public static let version = 2
}
