using System.Text.Json;
using Mirrorstage.GpuWorker.Output;

namespace Mirrorstage.GpuWorker.Tests;

/// <summary>The publisher's room events read by the worker: a drop is forgiven for the grace period, no longer.</summary>
public class PublisherConnectionTests
{
    private readonly ManualClock _clock = new();
    private PublisherConnection Joined()
    {
        var room = new PublisherConnection(reconnectGraceSeconds: 10, _clock);
        room.On(Event("""{"type":"connected","identity":"mirrorstage-avatar","publish_on_behalf":null}"""));
        return room;
    }

    private static JsonElement Event(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void A_connection_back_within_the_grace_period_is_no_failure()
    {
        var room = Joined();
        room.On(Event("""{"type":"reconnecting"}"""));
        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Null(room.Failure);
        room.On(Event("""{"type":"reconnected"}"""));
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Null(room.Failure);
    }

    [Fact]
    public void A_reconnection_that_outlasts_the_grace_period_is_a_lost_connection()
    {
        var room = Joined();
        room.On(Event("""{"type":"reconnecting"}"""));
        _clock.Advance(TimeSpan.FromSeconds(10.5));
        Assert.Equal(LiveKitOutput.ConnectionLost, room.Failure);
        room.On(Event("""{"type":"reconnected"}"""));  // too late: the session has failed
        Assert.Equal(LiveKitOutput.ConnectionLost, room.Failure);
    }

    [Fact]
    public void The_grace_period_runs_from_the_first_drop_not_the_last_report()
    {
        var room = Joined();
        room.On(Event("""{"type":"reconnecting"}"""));
        _clock.Advance(TimeSpan.FromSeconds(6));
        room.On(Event("""{"type":"reconnecting"}"""));
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(LiveKitOutput.ConnectionLost, room.Failure);
    }

    [Fact]
    public void Leaving_the_room_or_the_publisher_exiting_is_lost_unless_the_worker_is_closing()
    {
        var left = Joined();
        left.On(Event("""{"type":"disconnected","reason":"SERVER_SHUTDOWN"}"""));
        Assert.Equal(LiveKitOutput.ConnectionLost, left.Failure);

        var exited = Joined();
        exited.PublisherExited();
        Assert.Equal(LiveKitOutput.ConnectionLost, exited.Failure);

        var closing = Joined();
        closing.Closing = true;
        closing.On(Event("""{"type":"disconnected","reason":"CLIENT_INITIATED"}"""));
        closing.PublisherExited();
        Assert.Null(closing.Failure);
    }

    [Fact]
    public async Task Joining_reports_a_refusal_or_a_publisher_that_exited_first()
    {
        var refused = new PublisherConnection(10, _clock);
        refused.On(Event("""{"type":"failed","message":"401 unauthorized"}"""));
        Assert.Equal("401 unauthorized", await refused.JoinedAsync(TimeSpan.FromSeconds(5), default));

        var exited = new PublisherConnection(10, _clock);
        exited.PublisherExited();
        Assert.Equal("the publisher exited", await exited.JoinedAsync(TimeSpan.FromSeconds(5), default));

        Assert.Null(await Joined().JoinedAsync(TimeSpan.FromSeconds(5), default));
    }

    /// <summary>A clock the test moves (timestamps in ticks; never 0, which the connection reads as "connected").</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _now = TimeSpan.TicksPerDay;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _now;
        public void Advance(TimeSpan by) => _now += by.Ticks;
    }
}
