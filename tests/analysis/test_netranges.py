from dmarcwatch.analysis.netranges import RangeTable, address_key


def test_ipv4_and_ipv6_addresses_find_their_network():
    table = RangeTable.build([("167.89.0.0/17", "sendgrid"), ("2a00:1450:4000::/36", "google")])
    labels = table.lookup(["167.89.127.255", "167.89.128.0", "2a00:1450:4001::5", "2a00:1451::1"])
    assert list(labels) == ["sendgrid", None, "google", None]


def test_the_most_specific_network_wins_where_networks_overlap():
    table = RangeTable.build(
        [("198.2.128.0/18", "mailchimp"), ("198.2.132.0/22", "mandrill"), ("10.0.0.0/8", "x")]
    )
    labels = table.lookup(["198.2.131.255", "198.2.132.1", "198.2.135.255", "198.2.136.0"])
    assert list(labels) == ["mailchimp", "mandrill", "mandrill", "mailchimp"]


def test_network_boundaries_are_inclusive():
    table = RangeTable.build([("192.0.2.0/24", "a")])
    assert list(table.lookup(["192.0.1.255", "192.0.2.0", "192.0.2.255", "192.0.3.0"])) == [
        None,
        "a",
        "a",
        None,
    ]


def test_ipv4_mapped_ipv6_is_not_confused_with_plain_ipv6():
    table = RangeTable.build([("0.0.0.0/0", "v4")])
    assert list(table.lookup(["8.8.8.8", "::1", "2001:db8::1"])) == ["v4", None, None]


def test_text_that_is_not_an_address_stays_unmatched():
    table = RangeTable.build([("0.0.0.0/0", "any")])
    assert list(table.lookup(["", "not-an-ip", "300.1.1.1"])) == [None, None, None]
    assert address_key("bogus") is None


def test_an_empty_table_matches_nothing():
    assert list(RangeTable.build([]).lookup(["1.2.3.4"])) == [None]
