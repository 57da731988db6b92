using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace RingIpc.Tests.Calls;

/// <summary>
/// Calls between a <see cref="CallClient"/> and a <see cref="CallServer"/> in this process, over real rings, with a
/// hand-written dispatcher (<see cref="TestCallService"/>): results, concurrency, and every way a call can fail.
/// The cross-process and cross-bitness cases are in <c>CrossProcessCallTests</c>.
/// </summary>
[Collection(nameof(ProcessHeavy))] // the server's and the client's readers spin
public class CallTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Calls_from_many_threads_at_once_each_get_their_own_result()
    {
        using var name = new TempName("call-many");
        using var server = CallServer.Start(name, new TestCallService());
        using var client = CallClient.Connect(name, TestCallService.Instance, Generous);
        Assert.Equal(Environment.ProcessId, client.ServerProcessId);

        Task[] callers = Enumerable.Range(0, 8).Select(thread => Task.Run(async () =>
        {
            for (int i = 0; i < 2_000; i++)
            {
                ValueTask<int> first = TestCallService.AddAsync(client, thread, i);
                ValueTask<int> second = TestCallService.AddAsync(client, i, 1_000_000);
                Assert.Equal(thread + i, await first);
                Assert.Equal(i + 1_000_000, await second);
            }
        })).ToArray();
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, server.ClientCount);
    }

    [Fact]
    public async Task Byte_results_of_every_size_up_to_the_reply_limit_arrive_whole_and_a_larger_one_is_a_clear_error()
    {
        using var name = new TempName("call-bytes");
        using var server = CallServer.Start(name, new TestCallService());
        using var client = CallClient.Connect(name, TestCallService.Instance, Generous, new CallClientOptions { ReplyCapacity = 64 * 1024 });
        int limit = client.MaxResultLength - sizeof(int); // the length prefix
        foreach (int length in new[] { 0, 1, 1000, 4096, limit })
        {
            byte[] bytes = await TestCallService.BytesAsync(client, length);
            Assert.Equal(Enumerable.Range(0, length).Select(i => (byte)i), bytes);
        }

        var tooLong = await Assert.ThrowsAsync<RemoteCallException>(async () => await TestCallService.BytesAsync(client, limit + 1));
        Assert.Equal(typeof(ArgumentException).FullName, tooLong.RemoteType);
        Assert.Contains($"takes at most {client.MaxResultLength}", tooLong.Message, StringComparison.Ordinal);
        Assert.Equal(3, await TestCallService.AddAsync(client, 1, 2));
    }

    [Fact]
    public async Task Arguments_over_the_request_limit_are_an_ArgumentException_that_states_it_and_nothing_is_sent()
    {
        using var name = new TempName("call-too-long");
        using var server = CallServer.Start(name, new TestCallService(), new CallServerOptions { RequestCapacity = 4096 });
        using var client = CallClient.Connect(name, TestCallService.Instance, Generous);
        var error = Assert.Throws<ArgumentException>(() => TestCallService.OfLengthAsync(client, client.MaxArgumentsLength + 1));
        Assert.Contains($"{client.MaxArgumentsLength + 1} bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains($"at most {client.MaxArgumentsLength}", error.Message, StringComparison.Ordinal);
        Assert.Equal(4096 / 8 - 8 - 24, client.MaxArgumentsLength);

        // The longest that fits goes through (the dispatcher refuses its content, as it should).
        await Assert.ThrowsAsync<CallProtocolException>(async () => await TestCallService.OfLengthAsync(client, client.MaxArgumentsLength));
        Assert.Equal(5, await TestCallService.AddAsync(client, 2, 3));
    }

    [Fact]
    public async Task A_handler_that_throws_reaches_the_caller_with_the_remote_type_and_message()
    {
        using var name = new TempName("call-throws");
        using var server = CallServer.Start(name, new TestCallService());
        using var client = CallClient.Connect(name, TestCallService.Instance, Generous);
        var error = await Assert.ThrowsAsync<RemoteCallException>(async () => await TestCallService.ThrowAsync(client, "the scanner jammed ✓"));
        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Equal("the scanner jammed ✓", error.RemoteMessage);
        Assert.Contains("System.InvalidOperationException: the scanner jammed ✓", error.Message, StringComparison.Ordinal);
        Assert.Equal(7, await TestCallService.AddAsync(client, 3, 4));
    }

    [Fact]
    public async Task An_invalid_request_is_answered_with_a_CallProtocolException_and_the_server_serves_on()
    {
        using var name = new TempName("call-invalid");
        using var server = CallServer.Start(name, new TestCallService());
        using var client = CallClient.Connect(name, TestCallService.Instance, Generous);
        var invalid = await Assert.ThrowsAsync<CallProtocolException>(async () => await TestCallService.InvalidAsync(client));
        Assert.Contains("the test says this request is invalid", invalid.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<CallProtocolException>(async () =>
            await client.CallAsync(99, 0, (byte)0, static (ref CallWriter w, in byte n) => { }, CancellationToken.None));
        Assert.Contains("no method with id 99", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(9, await TestCallService.AddAsync(client, 4, 5));
    }

    [Fact]
    public async Task An_encoder_that_writes_other_than_it_announced_fails_its_call_and_sends_nothing()
    {
        using var name = new TempName("call-miscounted");
        using var server = CallServer.Start(name, new TestCallService());
        using var client = CallClient.Connect(name, TestCallService.Instance, Generous);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await TestCallService.MiscountedAsync(client));
        Assert.Contains("computed beforehand", error.Message, StringComparison.Ordinal);
        Assert.Equal(11, await TestCallService.AddAsync(client, 5, 6));
    }

    [Fact]
    public async Task A_call_past_its_deadline_fails_with_TimeoutException_and_its_handler_is_cancelled()
    {
        using var name = new TempName("call-deadline");
        var service = new TestCallService();
        using var server = CallServer.Start(name, service);
        using var client = CallClient.Connect(name, TestCallService.Instance, Generous, new CallClientOptions { CallTimeout = TimeSpan.FromMilliseconds(300) });
        var timedOut = await Assert.ThrowsAsync<TimeoutException>(async () => await TestCallService.WaitAsync(client, 60_000));
        Assert.Contains("300 ms", timedOut.Message, StringComparison.Ordinal);
        Assert.True(await service.WaitEnded.Task.WaitAsync(Generous), "the handler's token was not cancelled");
        Assert.Equal(13, await TestCallService.AddAsync(client, 6, 7));
    }

    [Fact]
    public async Task Cancelling_a_call_cancels_its_handler_and_ends_the_call_with_OperationCanceledException()
    {
        using var name = new TempName("call-cancel");
        var service = new TestCallService();
        using var server = CallServer.Start(name, service);
        using var client = CallClient.Connect(name, TestCallService.Instance, Generous);
        using var cancellation = new CancellationTokenSource();
        ValueTask call = TestCallService.WaitAsync(client, 60_000, cancellation.Token);
        await service.WaitStarted.Task.WaitAsync(Generous);
        cancellation.Cancel();
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await call);
        Assert.Equal(cancellation.Token, cancelled.CancellationToken);
        Assert.True(await service.WaitEnded.Task.WaitAsync(Generous), "the handler's token was not cancelled");

        // An already cancelled token sends nothing; the client is still good.
        Assert.ThrowsAny<OperationCanceledException>(() => TestCallService.WaitAsync(client, 1, cancellation.Token));
        Assert.Equal(15, await TestCallService.AddAsync(client, 7, 8));
    }

    [Fact]
    public async Task A_handler_that_blocks_its_thread_still_gets_its_cancel_and_new_clients_are_still_accepted()
    {
        // The server runs a call on its reader; one that blocks must not stop the reading (a new reader takes over).
        using var name = new TempName("call-block");
        var service = new TestCallService();
        using var server = CallServer.Start(name, service);
        using var client = CallClient.Connect(name, TestCallService.Instance, Generous);
        using var cancel = new CancellationTokenSource();
        Task blocked = TestCallService.BlockAsync(client, 60_000, cancel.Token).AsTask();
        await service.WaitStarted.Task.WaitAsync(Generous);

        // Both of these need the request ring read while the handler still blocks.
        using var second = CallClient.Connect(name, TestCallService.Instance, Generous);
        Assert.Equal(2, server.ClientCount);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked.WaitAsync(Generous));
        Assert.True(await service.WaitEnded.Task.WaitAsync(Generous), "the blocking handler's token was not cancelled");
        Assert.Equal(7, await TestCallService.AddAsync(second, 3, 4).AsTask().WaitAsync(Generous));
        Assert.Equal(3, await TestCallService.AddAsync(client, 1, 2).AsTask().WaitAsync(Generous));
    }

    [Fact]
    public async Task A_continuation_that_blocks_the_clients_reader_does_not_hold_up_later_replies()
    {
        using var name = new TempName("call-inline");
        var service = new TestCallService();
        using var server = CallServer.Start(name, service);
        using var client = CallClient.Connect(name, TestCallService.Instance, Generous);
        string? continuedOn = null;
        var continued = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        // The continuation is registered before the reply can exist (the handler waits for the gate), from a pool
        // thread (no synchronization context to capture): it runs on the client's reader.
        await Task.Run(() =>
        {
            ValueTaskAwaiter awaiter = TestCallService.GateAsync(client).GetAwaiter();
            awaiter.UnsafeOnCompleted(() =>
            {
                awaiter.GetResult();
                continuedOn = Thread.CurrentThread.Name;

                // Waiting for another reply on the reader itself: only a reader that takes over can read it.
                Task<int> next = TestCallService.AddAsync(client, 3, 4).AsTask();
                continued.SetResult(next.Wait(Generous) ? next.Result : -1);
            });
        });
        service.GateOpened.SetResult(true);
        int second = await continued.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("RingIpc call client", continuedOn, StringComparison.Ordinal);
        Assert.Equal(7, second);
        Assert.Equal(11, await TestCallService.AddAsync(client, 5, 6).AsTask().WaitAsync(Generous));
    }

    [Fact]
    public async Task Calls_run_one_at_a_time_by_default_and_up_to_the_limit_when_asked()
    {
        foreach (int limit in new[] { 1, 4 })
        {
            using var name = new TempName("call-overlap");
            var service = new TestCallService();
            using var server = CallServer.Start(name, service, new CallServerOptions { MaxConcurrentCalls = limit });
            using var client = CallClient.Connect(name, TestCallService.Instance, Generous);
            await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => TestCallService.OverlapAsync(client).AsTask())).WaitAsync(TimeSpan.FromSeconds(30));
            if (limit == 1)
            {
                Assert.Equal(1, service.MostRunning);
            }
            else
            {
                Assert.InRange(service.MostRunning, 2, limit);
            }
        }
    }

    [Fact]
    public async Task A_client_of_another_contract_version_is_refused_with_both_fingerprints()
    {
        using var name = new TempName("call-mismatch");
        using var server = CallServer.Start(name, new TestCallService());
        var other = new CallContract(TestCallService.Instance.Name, 0x0BAD_0BAD_0BAD_0BADUL);
        var refused = Assert.Throws<CallContractMismatchException>(() => CallClient.Connect(name, other, Generous));
        Assert.Contains("0x123456789ABCDEF0", refused.Message, StringComparison.Ordinal);
        Assert.Contains("0x0BAD0BAD0BAD0BAD", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0x123456789ABCDEF0UL, refused.ServerFingerprint);
        Assert.Equal(0x0BAD0BAD0BAD0BADUL, refused.ClientFingerprint);
        Assert.Equal(0, server.ClientCount);
        AssertNoReplyRings(name);
        using var client = CallClient.Connect(name, TestCallService.Instance, Generous);
        Assert.Equal(3, await TestCallService.AddAsync(client, 1, 2));
    }

    [Fact]
    public async Task Connecting_waits_for_a_server_that_is_starting_and_times_out_clearly_without_one()
    {
        using var name = new TempName("call-connect");
        var missing = Assert.Throws<TimeoutException>(() => CallClient.Connect(name, TestCallService.Instance, TimeSpan.FromMilliseconds(200)));
        Assert.Contains($"No call server at endpoint '{name.Name}'", missing.Message, StringComparison.Ordinal);
        AssertNoReplyRings(name);

        Task<CallClient> connecting = Task.Run(() => CallClient.Connect(name, TestCallService.Instance, Generous));
        await Task.Delay(300);
        using var server = CallServer.Start(name, new TestCallService());
        using CallClient client = await connecting.WaitAsync(Generous);
        Assert.Equal(3, await TestCallService.AddAsync(client, 1, 2));
    }

    [Fact]
    public void Bad_names_and_options_are_refused_up_front()
    {
        Assert.Throws<ArgumentException>(() => CallServer.Start(new string('a', 90), new TestCallService()));
        Assert.Throws<ArgumentException>(() => CallClient.Connect("bad/name", TestCallService.Instance, Generous));
        Assert.Throws<ArgumentNullException>(() => CallClient.Connect("fine", null!, Generous));
        Assert.Throws<ArgumentOutOfRangeException>(() => CallServer.Start("fine-" + Guid.NewGuid().ToString("N"), new TestCallService(), new CallServerOptions { MaxConcurrentCalls = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CallClient.Connect("fine", TestCallService.Instance, Generous, new CallClientOptions { CallTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CallClient.Connect("fine", TestCallService.Instance, TimeSpan.FromSeconds(-2)));
    }

    [Fact]
    public async Task Closing_the_server_fails_pending_and_later_calls_with_CallServerExitedException()
    {
        using var name = new TempName("call-server-closes");
        var service = new TestCallService();
        var server = CallServer.Start(name, service);
        using var client = CallClient.Connect(name, TestCallService.Instance, Generous);
        ValueTask pending = TestCallService.WaitAsync(client, 60_000);
        await service.WaitStarted.Task.WaitAsync(Generous);
        server.Dispose();
        var exited = await Assert.ThrowsAsync<CallServerExitedException>(async () => await pending.AsTask().WaitAsync(Generous));
        Assert.Equal(Environment.ProcessId, exited.ProcessId);
        Assert.Contains($"Server process {Environment.ProcessId} of endpoint '{name.Name}' closed its endpoint", exited.Message, StringComparison.Ordinal);
        Assert.True(await service.WaitEnded.Task.WaitAsync(Generous), "the handler's token was not cancelled");
        Assert.Throws<CallServerExitedException>(() => TestCallService.AddAsync(client, 1, 2));
        Assert.Throws<FileNotFoundException>(() => SharedRing.Open(name));
    }

    [Fact]
    public async Task Disposing_the_client_fails_its_pending_calls_cancels_their_handlers_and_deletes_its_reply_ring()
    {
        using var name = new TempName("call-client-leaves");
        var service = new TestCallService();
        using var server = CallServer.Start(name, service);
        var client = CallClient.Connect(name, TestCallService.Instance, Generous);
        Assert.Single(ReplyRings(name));
        ValueTask pending = TestCallService.WaitAsync(client, 60_000);
        await service.WaitStarted.Task.WaitAsync(Generous);
        client.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await pending.AsTask().WaitAsync(Generous));
        Assert.True(await service.WaitEnded.Task.WaitAsync(Generous), "the handler's token was not cancelled");
        AssertNoReplyRings(name);
        Assert.Throws<ObjectDisposedException>(() => TestCallService.AddAsync(client, 1, 2));
        await Eventually(() => server.ClientCount == 0);
    }

    internal static string[] ReplyRings(string endpoint) =>
        Directory.GetFiles("/dev/shm", $"RingIpc.{endpoint}.r*")
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(f), @"\.r[0-9a-f]{16}$")).ToArray(); // the section, not the files beside it

    internal static void AssertNoReplyRings(string endpoint) => Assert.Empty(Directory.GetFiles("/dev/shm", $"RingIpc.{endpoint}.r*"));

    internal static async Task Eventually(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Generous, "the condition did not come true within 10 s");
            await Task.Delay(10);
        }
    }
}
