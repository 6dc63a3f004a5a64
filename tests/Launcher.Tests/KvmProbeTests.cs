using System.IO;
using Xunit;

namespace CapOS.Launcher.Tests;

public class KvmProbeTests
{
    [Fact]
    public void VerdictCacheRoundTrips()
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory("capos-probe-test-");
        try
        {
            string path = Path.Combine(directory.FullName, "artifacts", "kvm-probe.json");
            var verdict = new KvmVerdict(false, "box 6.1.0", "KVM internal error. Suberror: 1");

            Assert.Null(KvmProbe.ReadCache(path));
            KvmProbe.WriteCache(path, verdict);

            Assert.Equal(verdict, KvmProbe.ReadCache(path));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void UnreadableCacheCountsAsAbsent()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{ not json");

            Assert.Null(KvmProbe.ReadCache(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void HostIdentityNamesMachineAndKernel()
    {
        Assert.Contains(' ', KvmProbe.HostIdentity());
    }
}
