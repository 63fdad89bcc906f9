from academy import create_app
from academy.serving import settle_process

app = create_app()
settle_process()
