using System;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Harness;

public class QmpMessageTests
{
    [Fact]
    public void Greeting()
    {
        var message = QmpMessage.Parse("""{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": ""}, "capabilities": ["oob"]}}""");

        Assert.Equal(QmpMessageKind.Greeting, message.Kind);
        Assert.True(message.Body.TryGetProperty("capabilities", out _));
    }

    [Fact]
    public void ReturnWithId()
    {
        var message = QmpMessage.Parse("""{"return": {"status": "running", "singlestep": false, "running": true}, "id": "capos-2"}""");

        Assert.Equal(QmpMessageKind.Return, message.Kind);
        Assert.Equal("capos-2", message.Id);
        Assert.Equal(new QmpStatus("running", true), QmpStatus.From(message.Body));
    }

    [Fact]
    public void ErrorReply()
    {
        var message = QmpMessage.Parse("""{"id": "capos-3", "error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}}""");

        Assert.Equal(QmpMessageKind.Error, message.Kind);
        Assert.Equal("CommandNotFound: The command nope has not been found", message.ErrorText);
    }

    [Fact]
    public void EventWithTimestampAndData()
    {
        var message = QmpMessage.Parse("""{"timestamp": {"seconds": 1700000000, "microseconds": 250000}, "event": "SHUTDOWN", "data": {"guest": false, "reason": "host-qmp-quit"}}""");
        var e = QmpEvent.From(message);

        Assert.Equal(QmpMessageKind.Event, message.Kind);
        Assert.Equal("SHUTDOWN", e.Name);
        Assert.Equal("host-qmp-quit", e.Data.GetProperty("reason").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000).AddMilliseconds(250), e.Timestamp);
    }

    [Fact]
    public void EventWithoutDataHasAnEmptyObject()
    {
        var e = QmpEvent.From(QmpMessage.Parse("""{"event": "STOP"}"""));

        Assert.Equal(System.Text.Json.JsonValueKind.Object, e.Data.ValueKind);
        Assert.Null(e.Timestamp);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("""{"something": "else"}""")]
    public void GarbageIsRefused(string line)
    {
        Assert.Throws<FormatException>(() => QmpMessage.Parse(line));
    }
}
