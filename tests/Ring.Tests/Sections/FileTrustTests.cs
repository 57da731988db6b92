using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace RingIpc.Tests.Sections;

/// <summary>A file planted under a ring's name by another user is refused, not trusted.</summary>
public class FileTrustTests
{
    [Fact]
    public void A_section_file_open_to_all_users_is_refused()
    {
        using var name = new TempName("planted-open");
        using (SharedRing.Create(name))
        {
        }

        File.SetUnixFileMode(name.Path, (UnixFileMode)0x1B6); // 0666
        var error = Assert.Throws<UnauthorizedAccessException>(() => SharedRing.Open(name));
        Assert.Contains("open to all users", error.Message);
        Assert.Throws<UnauthorizedAccessException>(() => SharedRing.OpenOrCreate(name));
    }

    [Fact]
    public void A_lock_file_open_to_all_users_is_refused()
    {
        using var test = new TestRing("planted-lock");
        test.Consumer.Dispose();
        string lockFile = test.Name.Path + "@consumer";
        File.SetUnixFileMode(lockFile, (UnixFileMode)0x1B6);
        Assert.Throws<UnauthorizedAccessException>(() => test.Ring.CreateConsumer());
    }

    [Fact]
    public void Another_users_file_is_refused_unless_it_is_shared_with_the_group()
    {
        if (Environment.UserName != "root")
        {
            return; // changing a file's owner needs root; CI runs as root
        }

        using var name = new TempName("planted-owner");
        using (SharedRing.Create(name, new RingOptions { Access = SectionAccess.OwnerAndGroup }))
        {
        }

        Chown("65534", name.Path); // nobody
        File.SetUnixFileMode(name.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Contains("belongs to uid 65534", Assert.Throws<UnauthorizedAccessException>(() => SharedRing.Open(name)).Message);

        File.SetUnixFileMode(name.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        using var shared = SharedRing.Open(name);
        Assert.Equal(SectionAccess.OwnerAndGroup, shared.Access);
    }

    private static void Chown(string owner, string path)
    {
        using var chown = Process.Start("chown", new[] { owner, path })!;
        Assert.True(chown.WaitForExit(30_000) && chown.ExitCode == 0, "chown failed");
    }
}
