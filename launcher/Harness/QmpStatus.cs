using System.Text.Json;

namespace CapOS.Harness;

/// <summary>The answer to <c>query-status</c>.</summary>
/// <param name="Status">QEMU's run state: "running", "paused", "shutdown", "internal-error", "debug", ...</param>
/// <param name="Running">Whether the vCPUs are running.</param>
public sealed record QmpStatus(string Status, bool Running)
{
    /// <summary>Reads the <c>return</c> value of query-status.</summary>
    public static QmpStatus From(JsonElement value)
    {
        bool running = value.TryGetProperty("running", out JsonElement r) && r.ValueKind == JsonValueKind.True;
        return new QmpStatus(QmpMessage.StringProperty(value, "status"), running);
    }
}
