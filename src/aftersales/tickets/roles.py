"""Who may do what with tickets (synced onto the role groups after migrate; ADR 0021).

Agents open, carry and close tickets; a manager may act on any ticket and transfer it
(``manage_ticket``); field engineers and dealers read the tickets of their scope (dispatch, which
lets them act, comes with the dispatch slice)."""

from aftersales.org.roles import grant

grant("agent", ["tickets.view_ticket", "tickets.add_ticket", "tickets.change_ticket", "tickets.view_slapolicy"])
grant("manager", ["tickets.*"])
grant("engineer", ["tickets.view_ticket"])
grant("advisor", ["tickets.view_ticket"])
grant("dealer", ["tickets.view_ticket"])
