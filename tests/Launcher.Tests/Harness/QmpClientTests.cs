using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Harness;

/// <summary>The client against a scripted QMP server on a Unix socket.</summary>
public sealed class QmpClientTests : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);
    private const string Greeting = """{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": ""}, "capabilities": []}}""";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("capos-qmp-test-");
    private readonly Socket _listener;

    public QmpClientTests()
    {
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen();
    }

    private string SocketPath => Path.Combine(_directory.FullName, "qmp.sock");

    [Fact]
    public async Task NegotiatesCapabilitiesAndReadsTheVersion()
    {
        Task<QmpClient> connecting = ConnectAsync();
        using FakeServer server = await FakeServer.AcceptAsync(_listener);
        await server.SendAsync(Greeting);
        string id = await server.ExpectAsync("qmp_capabilities");
        await server.SendAsync($$"""{"return": {}, "id": "{{id}}"}""");

        await using QmpClient client = await connecting;

        Assert.Equal("7.2.22", client.QemuVersion);
    }

    [Fact]
    public async Task BuffersEventsThatArriveBetweenReplies()
    {
        (QmpClient client, FakeServer server) = await HandshakeAsync();
        await using (client)
        using (server)
        {
            Task<QmpStatus> status = client.QueryStatusAsync(Long);
            string id = await server.ExpectAsync("query-status");
            await server.SendAsync("""{"event": "STOP", "data": {}}""");
            await server.SendAsync($$"""{"return": {"status": "paused", "running": false}, "id": "{{id}}"}""");

            Assert.Equal(new QmpStatus("paused", false), await status);
            Assert.Equal("STOP", (await client.WaitForEventAsync("STOP", Long)).Name);
            Assert.Single(client.Events);
        }
    }

    [Fact]
    public async Task HumanMonitorCommandReturnsItsText()
    {
        (QmpClient client, FakeServer server) = await HandshakeAsync();
        await using (client)
        using (server)
        {
            Task<string> registers = client.HumanMonitorCommandAsync("info registers", Long);
            (string id, JsonElement request) = await server.ReceiveAsync();
            Assert.Equal("human-monitor-command", request.GetProperty("execute").GetString());
            Assert.Equal("info registers", request.GetProperty("arguments").GetProperty("command-line").GetString());
            await server.SendAsync($$"""{"return": "RAX=0000000000000000\r\n", "id": "{{id}}"}""");

            Assert.Equal("RAX=0000000000000000\r\n", await registers);
        }
    }

    [Fact]
    public async Task ErrorReplyThrows()
    {
        (QmpClient client, FakeServer server) = await HandshakeAsync();
        await using (client)
        using (server)
        {
            Task<JsonElement> call = client.ExecuteAsync("nope", null, Long);
            string id = await server.ExpectAsync("nope");
            await server.SendAsync($$"""{"error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}, "id": "{{id}}"}""");

            var failure = await Assert.ThrowsAsync<QmpException>(() => call);
            Assert.Contains("CommandNotFound", failure.Message);
        }
    }

    [Fact]
    public async Task CloseFailsPendingCommandsAndQuitToleratesIt()
    {
        (QmpClient client, FakeServer server) = await HandshakeAsync();
        await using (client)
        {
            Task quit = client.QuitAsync(Long);
            await server.ExpectAsync("quit");
            server.Dispose();

            await quit;
            Assert.True(client.IsClosed);
            await Assert.ThrowsAsync<QmpException>(() => client.QueryStatusAsync(Long));
            await Assert.ThrowsAsync<QmpException>(() => client.WaitForEventAsync("SHUTDOWN", Long));
        }
    }

    [Fact]
    public async Task NoReplyTimesOut()
    {
        (QmpClient client, FakeServer server) = await HandshakeAsync();
        await using (client)
        using (server)
        {
            var failure = await Assert.ThrowsAsync<QmpException>(
                () => client.ExecuteAsync("query-status", null, TimeSpan.FromMilliseconds(50)));

            Assert.Contains("no reply", failure.Message);
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _directory.Delete(recursive: true);
    }

    private async Task<QmpClient> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        return await QmpClient.ConnectAsync(new NetworkStream(socket, ownsSocket: true), Long);
    }

    private async Task<(QmpClient, FakeServer)> HandshakeAsync()
    {
        Task<QmpClient> connecting = ConnectAsync();
        FakeServer server = await FakeServer.AcceptAsync(_listener);
        await server.SendAsync(Greeting);
        string id = await server.ExpectAsync("qmp_capabilities");
        await server.SendAsync($$"""{"return": {}, "id": "{{id}}"}""");
        return (await connecting, server);
    }

    private sealed class FakeServer : IDisposable
    {
        private readonly NetworkStream _stream;
        private readonly StreamReader _reader;

        private FakeServer(Socket socket)
        {
            _stream = new NetworkStream(socket, ownsSocket: true);
            _reader = new StreamReader(_stream, Encoding.UTF8);
        }

        public static async Task<FakeServer> AcceptAsync(Socket listener) => new(await listener.AcceptAsync());

        public async Task SendAsync(string json)
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(json + "\r\n"));
        }

        public async Task<(string Id, JsonElement Request)> ReceiveAsync()
        {
            string line = await _reader.ReadLineAsync().WaitAsync(Long) ?? throw new EndOfStreamException();
            JsonElement request = JsonDocument.Parse(line).RootElement.Clone();
            return (request.GetProperty("id").GetString()!, request);
        }

        public async Task<string> ExpectAsync(string command)
        {
            (string id, JsonElement request) = await ReceiveAsync();
            Assert.Equal(command, request.GetProperty("execute").GetString());
            return id;
        }

        public void Dispose()
        {
            _reader.Dispose();
            _stream.Dispose();
        }
    }
}
