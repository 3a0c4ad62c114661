from django.urls import path

from aftersales.core.routing import crud

from . import views

app_name = "tickets"

urlpatterns = [
    *crud("tickets", "ticket", views.TicketListView, views.TicketDetailView, views.TicketEditView),
    path("tickets/<int:pk>/transfer/", views.TicketTransferView.as_view(), name="ticket_transfer"),
    path("tickets/<int:pk>/<slug:transition>/", views.TicketTransitionView.as_view(), name="ticket_transition"),
]
