using System;
using System.Text.Json;

namespace CapOS.Harness;

/// <summary>An asynchronous QMP event (SHUTDOWN, STOP, BLOCK_IO_ERROR, ...), kept in arrival order.</summary>
/// <param name="Name">The event name.</param>
/// <param name="Data">The event's <c>data</c> member (an empty object if absent).</param>
/// <param name="Timestamp">QEMU's host timestamp, if present.</param>
public sealed record QmpEvent(string Name, JsonElement Data, DateTimeOffset? Timestamp)
{
    /// <summary>Builds the event from a parsed message of kind <see cref="QmpMessageKind.Event"/>.</summary>
    public static QmpEvent From(QmpMessage message)
    {
        JsonElement body = message.Body;
        JsonElement data = body.TryGetProperty("data", out JsonElement d) ? d : EmptyObject;
        DateTimeOffset? timestamp = null;
        if (body.TryGetProperty("timestamp", out JsonElement t)
            && t.TryGetProperty("seconds", out JsonElement seconds) && seconds.TryGetInt64(out long s)
            && t.TryGetProperty("microseconds", out JsonElement micros) && micros.TryGetInt64(out long us))
        {
            timestamp = DateTimeOffset.FromUnixTimeSeconds(s).AddTicks(us * 10);
        }
        return new QmpEvent(message.EventName ?? "", data, timestamp);
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}
