using System;
using System.Text.Json;

namespace CapOS.Harness;

/// <summary>What a QMP message from QEMU is.</summary>
public enum QmpMessageKind
{
    /// <summary>The greeting sent once on connect: <c>{"QMP": {...}}</c>.</summary>
    Greeting,

    /// <summary>A successful reply: <c>{"return": ..., "id": ...}</c>.</summary>
    Return,

    /// <summary>A failed reply: <c>{"error": {"class": ..., "desc": ...}, "id": ...}</c>.</summary>
    Error,

    /// <summary>An asynchronous event: <c>{"event": NAME, "data": ..., "timestamp": ...}</c>.</summary>
    Event,
}

/// <summary>
/// One QMP message (QEMU's docs/interop/qmp-spec: one JSON object per line). Parsing is pure so that the
/// client's routing is unit-tested without QEMU.
/// </summary>
public sealed record QmpMessage(QmpMessageKind Kind, JsonElement Body, string? Id, string? EventName)
{
    /// <summary>Parses one line; throws <see cref="FormatException"/> if it is not a QMP message.</summary>
    public static QmpMessage Parse(string line)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(line);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"QMP: not JSON: {line}", e);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"QMP: not an object: {line}");
        }
        string? id = root.TryGetProperty("id", out JsonElement idElement)
            ? (idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : idElement.GetRawText())
            : null;
        if (root.TryGetProperty("QMP", out JsonElement greeting))
        {
            return new QmpMessage(QmpMessageKind.Greeting, greeting, null, null);
        }
        if (root.TryGetProperty("return", out JsonElement value))
        {
            return new QmpMessage(QmpMessageKind.Return, value, id, null);
        }
        if (root.TryGetProperty("error", out JsonElement error))
        {
            return new QmpMessage(QmpMessageKind.Error, error, id, null);
        }
        if (root.TryGetProperty("event", out JsonElement name) && name.ValueKind == JsonValueKind.String)
        {
            return new QmpMessage(QmpMessageKind.Event, root, null, name.GetString());
        }
        throw new FormatException($"QMP: unknown message: {line}");
    }

    /// <summary>For an error reply: "Class: description".</summary>
    public string ErrorText =>
        Kind != QmpMessageKind.Error
            ? ""
            : $"{StringProperty(Body, "class")}: {StringProperty(Body, "desc")}";

    internal static string StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value)
            && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? ""
            : "";
}
