using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
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
        if (!Prerequisite.Holds(Prerequisite.IsRoot, "changing a file's owner needs root (CI runs as root)"))
        {
            return;
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

    [Fact]
    public async Task A_fifo_planted_beside_a_ring_cannot_hang_Delete()
    {
        using var name = new TempName("planted-fifo-delete");
        using (SharedRing.Create(name))
        {
        }

        string fifo = name.Path + "@x";
        MakeFifo(fifo, "666");
        try
        {
            Task<bool> deleting = Task.Run(() => SharedRing.Delete(name));
            Assert.True(await deleting.WaitAsync(TimeSpan.FromSeconds(10)), "Delete hangs on a planted FIFO, or found no ring");
        }
        finally
        {
            ReleaseReaders(fifo);
            File.Delete(fifo);
        }
    }

    [Theory]
    [InlineData("666")]
    [InlineData("600")]
    public async Task A_fifo_planted_as_a_role_lock_file_is_refused_without_hanging(string mode)
    {
        using var name = new TempName("planted-fifo-lock");
        using var ring = SharedRing.Create(name);
        string fifo = name.Path + "@consumer";
        MakeFifo(fifo, mode);
        try
        {
            Task<RingConsumer> creating = Task.Run(() => ring.CreateConsumer());
            Exception error = await Assert.ThrowsAnyAsync<Exception>(() => creating.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.True(error is UnauthorizedAccessException or IOException, $"taking the role of a planted FIFO must fail with a clear error: {error}");
        }
        finally
        {
            ReleaseReaders(fifo);
            File.Delete(fifo);
        }
    }

    private static void MakeFifo(string path, string mode)
    {
        using var mkfifo = Process.Start("mkfifo", new[] { "-m", mode, path })!;
        Assert.True(mkfifo.WaitForExit(30_000) && mkfifo.ExitCode == 0, "mkfifo failed");
    }

    /// <summary>Opens the FIFO for writing without blocking, which lets a reader stuck in open() go on.</summary>
    private static void ReleaseReaders(string fifo)
    {
        try
        {
            using var writer = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(Open(fifo, 0x801 /* O_WRONLY | O_NONBLOCK */), true), FileAccess.Write);
        }
        catch (Exception)
        {
            // no reader was waiting
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "open")]
    private static extern IntPtr Open(string path, int flags);

    private static void Chown(string owner, string path)
    {
        using var chown = Process.Start("chown", new[] { owner, path })!;
        Assert.True(chown.WaitForExit(30_000) && chown.ExitCode == 0, "chown failed");
    }
}
