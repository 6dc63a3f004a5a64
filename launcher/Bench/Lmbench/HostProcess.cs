using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace CapOS.Launcher.Bench.Lmbench;

/// <summary>Runs a host tool (apt-get, apt-cache, dpkg-deb, xz) to its end, its output captured.</summary>
public static class HostProcess
{
    /// <summary>The exit code, standard output (bytes) and standard error of <paramref name="file"/>.</summary>
    public static async Task<(int ExitCode, byte[] Output, string Error)> RunAsync(string file, string[] arguments,
        string? workingDirectory, byte[]? input, CancellationToken cancel)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        using var output = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(output, cancel);
        Task<string> error = process.StandardError.ReadToEndAsync(cancel);
        if (input is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(input, cancel).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        await process.WaitForExitAsync(cancel).ConfigureAwait(false);
        await copy.ConfigureAwait(false);
        return (process.ExitCode, output.ToArray(), await error.ConfigureAwait(false));
    }
}
